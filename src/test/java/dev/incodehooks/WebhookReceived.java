package dev.incodehooks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.event.EventListener;

import dev.incodehooks.event.WebhookEvent;

/**
 * An in-process consumer, as a company would write one: a bean listening for {@link WebhookEvent}s.
 * Tests read what it received by body.
 */
public class WebhookReceived {

    private final List<WebhookEvent> events = new CopyOnWriteArrayList<>();

    @EventListener
    void on(WebhookEvent event) {
        this.events.add(event);
    }

    /**
     * The event broadcast with exactly this body, waiting up to ten seconds for it; fails if none comes.
     * Read by body (each carries its own interview id), never "the next one": what another test sent
     * cannot be taken for this one's.
     */
    public WebhookEvent of(byte[] body) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (WebhookEvent event : this.events) {
                if (Arrays.equals(event.body(), body)) {
                    return event;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("No webhook event with that body was broadcast within 10 s");
    }
}
