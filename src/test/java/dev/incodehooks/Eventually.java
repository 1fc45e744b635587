package dev.incodehooks;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for something that happens in the background, bounded so a test never hangs. Not a timing
 * assertion: the bound is far above any normal run.
 */
public final class Eventually {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private Eventually() {
    }

    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, BOUND, condition);
    }

    /** With a bound of its own: a service JVM starting while the machine runs two builds. */
    public static void until(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not true within " + bound.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
