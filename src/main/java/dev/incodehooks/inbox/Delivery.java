package dev.incodehooks.inbox;

import dev.incodehooks.event.WebhookEvent;

/**
 * One due delivery of an event to a sink.
 *
 * @param id the delivery row
 * @param sink the sink's name
 * @param attempt the number of this attempt, from 1
 * @param event the event, with its original body
 */
public record Delivery(long id, String sink, int attempt, WebhookEvent event) {
}
