package dev.incodehooks.inbox;

import java.util.Locale;

/**
 * The states of a delivery row, stored as their lowercase names.
 */
public enum DeliveryState {

    /** Waiting for its next attempt, or in flight. */
    PENDING,

    /** A sink took it. */
    DELIVERED,

    /** No attempt left: waits for an operator to replay or skip it, and holds back its interview on an ordered sink. */
    DEAD,

    /** An operator gave up on a dead delivery, releasing the later events of its interview. */
    SKIPPED,

    /** Its sink left the configuration and an operator dropped it. */
    DROPPED;

    /** The value in the {@code state} column. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
