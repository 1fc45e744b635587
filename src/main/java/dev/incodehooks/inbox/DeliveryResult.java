package dev.incodehooks.inbox;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What an attempt did: delivered, to be retried at a time, or dead (no attempt left).
 *
 * @param delivery the delivery attempted
 * @param state {@code delivered}, {@code pending} (retry at {@code nextAttemptAt}) or {@code dead}
 * @param nextAttemptAt when to try again, for a retry
 * @param error why the attempt failed; never a payload or header value
 */
public record DeliveryResult(Delivery delivery, String state, @Nullable Instant nextAttemptAt,
        @Nullable String error) {

    public static DeliveryResult delivered(Delivery delivery) {
        return new DeliveryResult(delivery, DeliveryStates.DELIVERED, null, null);
    }

    public static DeliveryResult retryAt(Delivery delivery, Instant next, String error) {
        return new DeliveryResult(delivery, DeliveryStates.PENDING, next, error);
    }

    public static DeliveryResult dead(Delivery delivery, String error) {
        return new DeliveryResult(delivery, DeliveryStates.DEAD, null, error);
    }
}
