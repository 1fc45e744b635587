package dev.incodehooks.inbox;

import java.util.List;
import java.util.Set;

import dev.incodehooks.event.WebhookEvent;

/**
 * Which sinks want an event: one delivery row is written for each, in the event's transaction.
 * Implemented by the broadcaster, which owns the sinks and their filters.
 */
public interface DeliveryRouting {

    List<String> sinksFor(WebhookEvent event);

    /** Every configured sink: deliveries of any other sink were left by a sink that has since gone. */
    Set<String> sinks();

    /** Whether a sink delivers each interview's events in order of receipt. */
    boolean ordered(String sink);
}
