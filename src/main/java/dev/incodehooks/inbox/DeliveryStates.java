package dev.incodehooks.inbox;

/**
 * The states of a delivery row.
 */
public final class DeliveryStates {

    public static final String PENDING = "pending";

    public static final String DELIVERED = "delivered";

    public static final String DEAD = "dead";

    private DeliveryStates() {
    }
}
