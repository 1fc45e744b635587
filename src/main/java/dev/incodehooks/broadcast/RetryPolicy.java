package dev.incodehooks.broadcast;

import java.time.Duration;
import java.util.Optional;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * When to try a delivery again, from a sink's retry settings, with Spring's {@link ExponentialBackOff}.
 */
final class RetryPolicy {

    private final ExponentialBackOff backOff;

    private final Duration maxInterval;

    RetryPolicy(BroadcastProperties.RetryProperties retry) {
        this.backOff = new ExponentialBackOff(retry.initialInterval().toMillis(), retry.multiplier());
        this.backOff.setMaxInterval(retry.maxInterval().toMillis());
        this.backOff.setMaxAttempts(retry.maxAttempts() - 1);
        this.maxInterval = retry.maxInterval();
    }

    /** The wait after {@code failures} failures in a row, however many attempts are allowed. */
    Duration pause(int failures) {
        return delayAfter(failures).orElse(this.maxInterval);
    }

    /** The wait after failed attempt number {@code attempt} (from 1), or empty when it was the last. */
    Optional<Duration> delayAfter(int attempt) {
        BackOffExecution execution = this.backOff.start();
        long delay = BackOffExecution.STOP;
        for (int i = 0; i < attempt; i++) {
            delay = execution.nextBackOff();
        }
        return (delay == BackOffExecution.STOP) ? Optional.empty() : Optional.of(Duration.ofMillis(delay));
    }
}
