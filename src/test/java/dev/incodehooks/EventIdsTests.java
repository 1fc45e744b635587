package dev.incodehooks;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.incodehooks.event.EventIds;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTests {

    @Test
    void areVersion7WithTheTimeFirst() {
        Instant now = Instant.parse("2026-11-25T20:00:00.123Z");
        UUID id = new EventIds(Clock.fixed(now, ZoneOffset.UTC)).next();
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(EventIds.millis(id)).isEqualTo(now.toEpochMilli());
        assertThat(EventIds.first(now.toEpochMilli()).toString()).isLessThan(id.toString());
        assertThat(EventIds.first(now.toEpochMilli() + 1).toString()).isGreaterThan(id.toString());
    }

    @Test
    void sortInTheOrderTheyWereTakenAsStringsWithinAMillisecondAndWhenTheClockStepsBack() {
        MovableClock now = new MovableClock(Instant.parse("2026-11-25T20:00:01Z"));
        EventIds ids = new EventIds(now);
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            taken.add(ids.next().toString());
        }
        now.set(Instant.parse("2026-11-25T20:00:00Z"));
        taken.add(ids.next().toString());
        now.set(Instant.parse("2026-11-25T20:00:05Z"));
        taken.add(ids.next().toString());
        assertThat(taken).isSorted().doesNotHaveDuplicates();
    }
}
