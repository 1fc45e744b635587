package dev.incodehooks.inbox;

import dev.incodehooks.event.WebhookEvent;

/**
 * One due delivery of an event to a sink, taken by this process for one attempt.
 *
 * @param id the delivery row
 * @param sink the sink's name
 * @param attempt the number of this attempt, from 1
 * @param event the event, with its original body
 * @param claim on a shared store, the lease this process holds the delivery until (epoch milliseconds):
 * its result is written only while the row still carries it; 0 on a store of one process
 */
public record Delivery(long id, String sink, int attempt, WebhookEvent event, long claim) {

    /** The same delivery under a renewed claim. */
    public Delivery withClaim(long renewed) {
        return new Delivery(this.id, this.sink, this.attempt, this.event, renewed);
    }
}
