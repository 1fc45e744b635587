package dev.incodehooks.event;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered event ids (UUID version 7, RFC 9562): new ids sort after older ones, so the store appends
 * them to its indexes instead of writing all over them.
 */
public final class EventIds {

    private EventIds() {
    }

    /** A new id whose first 48 bits are the current time in milliseconds. */
    public static UUID next(Clock clock) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (clock.millis() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }
}
