package dev.incodehooks.event;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered event ids (UUID version 7, RFC 9562): new ids sort after older ones, so the store appends
 * them to its indexes instead of writing all over them, and an id's order is the order of receipt.
 * One generator is monotonic (RFC 9562, method 3): within a millisecond, and when the clock steps back,
 * each id is the previous one plus one, so ids taken one after the other never sort the other way.
 */
public final class EventIds {

    private static final long SEQUENCE_BITS = 12;

    private final Clock clock;

    /** The last id's time and sequence: the top 60 bits of its first half, without the version. */
    private long last;

    public EventIds(Clock clock) {
        this.clock = clock;
    }

    /** The next id, greater than every id this generator gave before. */
    public synchronized UUID next() {
        // A new millisecond starts the sequence at a random point of its lower half, leaving room above.
        long fresh = (this.clock.millis() << SEQUENCE_BITS) | ThreadLocalRandom.current().nextLong(1 << (SEQUENCE_BITS - 1));
        this.last = Math.max(fresh, this.last + 1);
        return of(this.last);
    }

    /** The smallest id of a millisecond: every id taken earlier sorts below it. */
    public static UUID first(long epochMillis) {
        return new UUID((epochMillis << 16) | 0x7000L, 0x8000000000000000L);
    }

    /** The time in an id, in epoch milliseconds. */
    public static long millis(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }

    private static UUID of(long timeAndSequence) {
        long millis = timeAndSequence >>> SEQUENCE_BITS;
        long sequence = timeAndSequence & ((1L << SEQUENCE_BITS) - 1);
        long most = (millis << 16) | 0x7000L | sequence;
        long least = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }
}
