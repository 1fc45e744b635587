package dev.incodehooks.inbox;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What became of a delivery's attempt: delivered, to be retried at a time, dead (no attempt left), or
 * released without an attempt (at shutdown) for whoever takes it next.
 *
 * @param delivery the delivery attempted
 * @param state what the delivery becomes
 * @param attempts the attempts made so far
 * @param nextAttemptAt when to try again, for a pending delivery
 * @param error why the attempt failed; never a payload or header value
 * @param startedAt when the attempt started; null when released without an attempt
 * @param finishedAt when the attempt ended; null when released without an attempt
 */
public record DeliveryResult(Delivery delivery, DeliveryState state, int attempts, @Nullable Instant nextAttemptAt,
        @Nullable String error, @Nullable Instant startedAt, @Nullable Instant finishedAt) {

    public static DeliveryResult delivered(Delivery delivery, Instant startedAt, Instant finishedAt) {
        return new DeliveryResult(delivery, DeliveryState.DELIVERED, delivery.attempt(), null, null, startedAt,
                finishedAt);
    }

    public static DeliveryResult retryAt(Delivery delivery, Instant startedAt, Instant finishedAt, Instant next,
            String error) {
        return new DeliveryResult(delivery, DeliveryState.PENDING, delivery.attempt(), next, error, startedAt,
                finishedAt);
    }

    public static DeliveryResult dead(Delivery delivery, Instant startedAt, Instant finishedAt, String error) {
        return new DeliveryResult(delivery, DeliveryState.DEAD, delivery.attempt(), null, error, startedAt, finishedAt);
    }

    /** Not attempted: due again at once, with the same attempt number. */
    public static DeliveryResult released(Delivery delivery, Instant now) {
        return new DeliveryResult(delivery, DeliveryState.PENDING, delivery.attempt() - 1, now, null, null, null);
    }

    /** This result for the delivery as last claimed: its claim may have been renewed during the attempt. */
    public DeliveryResult of(Delivery claimed) {
        return new DeliveryResult(claimed, this.state, this.attempts, this.nextAttemptAt, this.error, this.startedAt,
                this.finishedAt);
    }
}
