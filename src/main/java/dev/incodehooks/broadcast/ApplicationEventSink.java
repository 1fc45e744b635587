package dev.incodehooks.broadcast;

import org.springframework.context.ApplicationEventPublisher;

import dev.incodehooks.event.WebhookEvent;

/**
 * Publishes each event as a Spring application event, for beans that extend the service with
 * {@code @EventListener void on(WebhookEvent event)}. A listener that throws fails the attempt, which is
 * retried like any other.
 */
class ApplicationEventSink implements EventSink {

    private final ApplicationEventPublisher publisher;

    ApplicationEventSink(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void deliver(WebhookEvent event, int attempt) {
        this.publisher.publishEvent(event);
    }
}
