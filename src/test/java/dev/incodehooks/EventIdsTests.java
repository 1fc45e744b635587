package dev.incodehooks;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.incodehooks.event.EventIds;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTests {

    @Test
    void areVersion7WithTheTimeFirst() {
        Instant now = Instant.parse("2026-11-25T20:00:00.123Z");
        UUID id = EventIds.next(Clock.fixed(now, ZoneOffset.UTC));
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(now.toEpochMilli());
    }

    @Test
    void sortByTimeAsStringsAndNeverRepeat() {
        Clock early = Clock.fixed(Instant.parse("2026-11-25T20:00:00Z"), ZoneOffset.UTC);
        Clock late = Clock.fixed(Instant.parse("2026-11-25T20:00:01Z"), ZoneOffset.UTC);
        assertThat(EventIds.next(early).toString()).isLessThan(EventIds.next(late).toString());
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(EventIds.next(early));
        }
        assertThat(ids).hasSize(100_000);
    }
}
