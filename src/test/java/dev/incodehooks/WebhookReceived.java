package dev.incodehooks;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.springframework.context.event.EventListener;

import dev.incodehooks.event.WebhookEvent;

/**
 * An in-process consumer, as a company would write one: a bean listening for {@link WebhookEvent}s.
 * Tests read what it received, in order.
 */
public class WebhookReceived {

    private final BlockingQueue<WebhookEvent> events = new LinkedBlockingQueue<>();

    @EventListener
    void on(WebhookEvent event) {
        this.events.add(event);
    }

    /** The next event received, waiting up to ten seconds for it; fails if none comes. */
    public WebhookEvent next() throws InterruptedException {
        WebhookEvent event = this.events.poll(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("No webhook event was broadcast within 10 s");
        }
        return event;
    }
}
