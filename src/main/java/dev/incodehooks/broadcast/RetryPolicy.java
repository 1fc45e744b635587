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

    RetryPolicy(BroadcastProperties.RetryProperties retry) {
        this.backOff = new ExponentialBackOff(retry.initialInterval().toMillis(), retry.multiplier());
        this.backOff.setMaxInterval(retry.maxInterval().toMillis());
        this.backOff.setMaxAttempts(retry.maxAttempts() - 1);
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
