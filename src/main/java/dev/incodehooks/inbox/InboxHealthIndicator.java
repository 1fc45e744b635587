package dev.incodehooks.inbox;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.incodehooks.inbox.InboxWriter.AcceptFailure;

/**
 * UP only when a write goes through the same writer and commit as webhooks do, within the commit
 * deadline. After webhooks could not be stored (a full volume, say), DOWN for {@link #RECHECK}; then, if
 * the store takes writes again, UP, so that a load balancer that follows health sends webhooks again and
 * the replica recovers without a restart (if they fail again, it is DOWN again).
 */
class InboxHealthIndicator extends AbstractHealthIndicator {

    static final Duration RECHECK = Duration.ofSeconds(5);

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
            builder.down().withDetail("reason", "The write queue is full or the writer is stopped");
            return;
        }
        try {
            done.get(this.deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException ex) {
            builder.down().withDetail("reason", InboxWriter.describe(ex.getCause()));
            return;
        }
        catch (TimeoutException ex) {
            builder.down().withDetail("reason", "No commit within " + this.deadline);
            return;
        }
        AcceptFailure failure = this.writer.acceptFailure();
        if (failure != null && System.nanoTime() - failure.at() < RECHECK.toNanos()) {
            builder.down().withDetail("reason", failure.cause());
            return;
        }
        builder.up().withDetail("queuedWrites", this.writer.queued());
        if (failure != null) {
            builder.withDetail("lastFailure", failure.cause());
        }
    }
}
