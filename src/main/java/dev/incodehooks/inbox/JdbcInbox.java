package dev.incodehooks.inbox;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.slf4j.MDC;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.incodehooks.event.EventIds;
import dev.incodehooks.event.IncomingWebhook;
import dev.incodehooks.event.WebhookEvent;

/**
 * The durable inbox on JDBC (SQLite by default). Accepting goes through the group-commit
 * {@link InboxWriter}; the delivery workers read due deliveries here and report each attempt back.
 */
final class JdbcInbox implements Inbox, DeliveryQueue {

    static final String BACKLOG = """
            SELECT sink, SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS pending,
                SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END) AS dead,
                MIN(CASE WHEN state = 'pending' THEN received_at END) AS oldest
            FROM webhook_delivery WHERE state IN ('pending', 'dead') GROUP BY sink
            """;

    // The IN term repeats the partial index's condition, so that the index serves the look-up.
    static final String HELD = """
            SELECT d.sink, COUNT(*) AS held FROM webhook_delivery d
            WHERE d.state = 'pending' AND EXISTS (SELECT 1 FROM webhook_delivery p WHERE p.sink = d.sink
                AND p.interview_id = d.interview_id AND p.state IN ('pending', 'dead') AND p.state = 'dead'
                AND p.event_id < d.event_id)
            GROUP BY d.sink
            """;

    // Only while the claim is still this attempt's: the same fence as a result's.
    private static final String RENEW_CLAIM = """
            UPDATE webhook_delivery SET lease_until = :renewed
            WHERE id = :id AND state = 'pending' AND attempts = :attempts AND lease_until = :claim
            """;

    private final InboxWriter writer;

    private final JdbcClient jdbc;

    private final DeliveryRouting routing;

    private final Clock clock;

    private final EventIds ids;

    /** Held while an event gets its id and joins the writer's queue: queue order is id order. */
    private final Object receipt = new Object();

    private final Duration commitDeadline;

    /** How long after its receipt every event that could precede another one is visible, on any replica. */
    private final Duration visibilityDelay;

    private final InboxDialect dialect;

    JdbcInbox(InboxWriter writer, JdbcClient jdbc, DeliveryRouting routing, Clock clock, InboxProperties properties,
            InboxDialect dialect) {
        this.writer = writer;
        this.jdbc = jdbc;
        this.routing = routing;
        this.clock = clock;
        this.ids = new EventIds(clock);
        this.commitDeadline = properties.commitDeadline();
        this.visibilityDelay = properties.commitDeadline().plus(properties.clockSkew());
        this.dialect = dialect;
    }

    @Override
    public Acceptance accept(IncomingWebhook webhook) {
        byte[] bodyHash = bodyHash(webhook.body());
        CompletableFuture<Acceptance> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + this.commitDeadline.toNanos();
        synchronized (this.receipt) {
            WebhookEvent event = webhook.stamp(this.ids.next());
            // A field of the caller's lines about this event in structured logs (its 503 among them), the
            // same as the writer's; the caller removes it when it is done with the event.
            MDC.put("eventId", event.id().toString());
            if (!this.writer.offer(new InboxWriter.Accept(event, bodyHash, this.routing.sinksFor(event), deadline, result))) {
                throw new InboxUnavailableException("The inbox is not taking writes (queue full or shutting down)");
            }
        }
        try {
            return result.get(this.commitDeadline.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            // The writer drops it once its deadline has passed; if it was being committed just then,
            // Incode's retry is recognised as a duplicate: nothing is doubled.
            throw new InboxUnavailableException("The event was not committed within " + this.commitDeadline);
        }
        catch (ExecutionException ex) {
            throw new InboxUnavailableException("The event could not be stored: " + ex.getCause().getClass().getSimpleName());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new InboxUnavailableException("Interrupted while storing the event");
        }
    }

    @Override
    public List<Delivery> due(String sink, boolean ordered, int room, Set<Long> exclude, Duration lease) {
        Instant now = this.clock.instant();
        if (!this.dialect.claims() && exclude.isEmpty()) {
            // Nothing to leave out: one read instead of the ids and then the rows (a read per commit under load).
            return this.jdbc.sql(this.dialect.dueDeliveriesQuery(ordered))
                .param("sink", sink)
                .param("now", now.toEpochMilli())
                .param("limit", room)
                .query(JdbcInbox::delivery)
                .list();
        }
        var query = this.jdbc.sql(this.dialect.dueQuery(ordered))
            .param("sink", sink)
            .param("now", now.toEpochMilli())
            .param("leaseUntil", now.plus(lease).toEpochMilli());
        if (this.dialect.claims()) {
            if (ordered) {
                query = query.param("horizon", EventIds.first(now.minus(this.visibilityDelay).toEpochMilli()).toString());
            }
            return query.param("limit", room).query(JdbcInbox::delivery).list();
        }
        List<Long> ids = query.param("limit", room + exclude.size())
            .query(Long.class)
            .list()
            .stream()
            .filter((id) -> !exclude.contains(id))
            .limit(room)
            .toList();
        return ids.isEmpty() ? List.of()
                : this.jdbc.sql(InboxDialect.DELIVERIES_BY_ID).param("ids", ids).query(JdbcInbox::delivery).list();
    }

    @Override
    public Optional<Delivery> renew(Delivery delivery, Duration lease) {
        if (!this.dialect.claims()) {
            return Optional.of(delivery);
        }
        long renewed = this.clock.instant().plus(lease).toEpochMilli();
        int updated = this.jdbc.sql(RENEW_CLAIM)
            .param("renewed", renewed)
            .param("id", delivery.id())
            .param("attempts", delivery.attempt() - 1)
            .param("claim", delivery.claim())
            .update();
        return (updated == 1) ? Optional.of(delivery.withClaim(renewed)) : Optional.empty();
    }

    @Override
    public void complete(DeliveryResult result, Consumer<Boolean> afterWrite) {
        if (!this.writer.offer(new InboxWriter.Complete(result, afterWrite))) {
            afterWrite.accept(false);
        }
    }

    @Override
    public void onNewDeliveries(Consumer<Set<String>> listener) {
        this.writer.onNewDeliveries(listener);
    }

    @Override
    public Map<String, Backlog> backlog() {
        Map<String, Long> held = new LinkedHashMap<>();
        this.jdbc.sql(HELD).query((ResultSet rs) -> {
            held.put(rs.getString("sink"), rs.getLong("held"));
        });
        Map<String, Backlog> backlog = new LinkedHashMap<>();
        this.jdbc.sql(BACKLOG).query((ResultSet rs) -> {
            long oldest = rs.getLong("oldest");
            Instant oldestReceivedAt = rs.wasNull() ? this.clock.instant() : Instant.ofEpochMilli(oldest);
            String sink = rs.getString("sink");
            backlog.put(sink, new Backlog(rs.getLong("pending"), held.getOrDefault(sink, 0L), rs.getLong("dead"),
                    oldestReceivedAt));
        });
        return backlog;
    }

    /** With the interview id and type, the dedup key: what Incode sends again when it retries. */
    static byte[] bodyHash(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", ex);
        }
    }

    static Delivery delivery(ResultSet rs, int row) throws SQLException {
        WebhookEvent event = new WebhookEvent(UUID.fromString(rs.getString("event_id")), rs.getString("type"),
                rs.getString("interview_id"), rs.getString("status"), Instant.ofEpochMilli(rs.getLong("received_at")),
                rs.getString("source_address"), rs.getBytes("body"));
        return new Delivery(rs.getLong("id"), rs.getString("sink"), rs.getInt("attempts") + 1, event,
                rs.getLong("lease_until"));
    }
}
