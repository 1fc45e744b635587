package dev.incodehooks.broadcast;

import dev.incodehooks.event.WebhookEvent;

/**
 * One internal destination of accepted events. Declare a bean of this type to add one.
 */
public interface EventSink {

    /** Low-cardinality name, used as the {@code sink} tag of metrics and in logs. */
    String name();

    /**
     * Delivers one event; returning normally means delivered.
     * @throws Exception when the event could not be delivered
     */
    void deliver(WebhookEvent event) throws Exception;
}
