package dev.incodehooks.inbox;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.incodehooks.event.WebhookEvent;

/**
 * A bounded in-memory queue between intake and broadcast. Not durable: events in it are lost when the
 * process dies. When it is full, {@link #accept} refuses, so a stalled broadcaster turns into
 * {@code 503}s (which Incode retries) rather than into unbounded memory.
 */
public class MemoryInbox implements Inbox {

    private final BlockingQueue<WebhookEvent> queue;

    public MemoryInbox(int capacity) {
        this.queue = new LinkedBlockingQueue<>(capacity);
    }

    @Override
    public void accept(WebhookEvent event) {
        if (!this.queue.offer(event)) {
            throw new InboxUnavailableException("The inbox is full");
        }
    }

    /** The next event, waiting at most {@code timeout}; {@code null} if none came. */
    public @Nullable WebhookEvent poll(Duration timeout) throws InterruptedException {
        return this.queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
