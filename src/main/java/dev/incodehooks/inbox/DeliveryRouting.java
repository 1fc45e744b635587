package dev.incodehooks.inbox;

import java.util.List;

import dev.incodehooks.event.WebhookEvent;

/**
 * Which sinks want an event: one delivery row is written for each, in the event's transaction.
 * Implemented by the broadcaster, which owns the sinks and their filters.
 */
public interface DeliveryRouting {

    List<String> sinksFor(WebhookEvent event);
}
