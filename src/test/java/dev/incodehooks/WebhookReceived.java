package dev.incodehooks;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
     * The event broadcast with exactly this body, waiting for it as {@link Eventually} does; fails if none comes.
     * Read by body (each carries its own interview id), never "the next one": what another test sent
     * cannot be taken for this one's.
     */
    public WebhookEvent of(byte[] body) throws InterruptedException {
        Eventually.until("a webhook event with that body broadcast", () -> find(body).isPresent());
        return find(body).orElseThrow();
    }

    private Optional<WebhookEvent> find(byte[] body) {
        return this.events.stream().filter((event) -> Arrays.equals(event.body(), body)).findFirst();
    }
}
