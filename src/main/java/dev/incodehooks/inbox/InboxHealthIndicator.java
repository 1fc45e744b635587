package dev.incodehooks.inbox;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP only when a write goes through the same writer and commit as webhooks do, within the commit
 * deadline, and the last webhooks written were stored: a store that cannot be written is DOWN.
 */
class InboxHealthIndicator extends AbstractHealthIndicator {

    private final InboxWriter writer;

    private final Duration deadline;

    InboxHealthIndicator(InboxWriter writer, InboxProperties properties) {
        super("Inbox health check failed");
        this.writer = writer;
        this.deadline = properties.commitDeadline();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!this.writer.offer(new InboxWriter.Heartbeat(done))) {
            builder.down().withDetail("reason", "write queue full");
            return;
        }
        done.get(this.deadline.toMillis(), TimeUnit.MILLISECONDS);
        String acceptFailure = this.writer.acceptFailure();
        if (acceptFailure != null) {
            // The store takes small writes but not webhooks (a full volume, say).
            builder.down().withDetail("reason", acceptFailure);
            return;
        }
        builder.up().withDetail("queuedWrites", this.writer.queued());
    }
}
