package dev.incodehooks.inbox;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.incodehooks.event.WebhookEvent;

/**
 * The durable inbox on JDBC (SQLite by default). Accepting goes through the group-commit
 * {@link InboxWriter}; the broadcaster reads due deliveries here and reports each attempt back.
 */
public class JdbcInbox implements Inbox {

    private static final String PENDING_BY_SINK = """
            SELECT sink, COUNT(*) AS pending, MIN(received_at) AS oldest
            FROM webhook_delivery WHERE state = 'pending' GROUP BY sink
            """;

    private final InboxWriter writer;

    private final JdbcClient jdbc;

    private final DeliveryRouting routing;

    private final Duration commitDeadline;

    private final InboxDialect dialect;

    JdbcInbox(InboxWriter writer, JdbcClient jdbc, DeliveryRouting routing, InboxProperties properties,
            InboxDialect dialect) {
        this.writer = writer;
        this.jdbc = jdbc;
        this.routing = routing;
        this.commitDeadline = properties.commitDeadline();
        this.dialect = dialect;
    }

    @Override
    public Acceptance accept(WebhookEvent event) {
        CompletableFuture<Acceptance> result = new CompletableFuture<>();
        if (!this.writer.offer(new InboxWriter.Accept(event, bodyHash(event), this.routing.sinksFor(event), result))) {
            throw new InboxUnavailableException("The inbox write queue is full");
        }
        try {
            return result.get(this.commitDeadline.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            // If the commit still happens, Incode's retry is recognised as a duplicate: nothing is doubled.
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

    /**
     * Takes up to {@code room} pending deliveries of a sink that are due at {@code now}, oldest first,
     * leaving out those the caller is working on. On a shared database they are claimed until
     * {@code now + lease}, so no other replica takes them.
     * @param ordered whether to hold back a delivery while an earlier one of its interview is pending
     * @param inFlight the deliveries of this sink the caller is working on
     */
    public List<Delivery> due(String sink, boolean ordered, Instant now, int room, Set<Long> inFlight,
            Duration lease) {
        var query = this.jdbc.sql(this.dialect.dueQuery(ordered))
            .param("sink", sink)
            .param("now", now.toEpochMilli())
            .param("leaseUntil", now.plus(lease).toEpochMilli());
        if (this.dialect.claims()) {
            return query.param("limit", room).query(JdbcInbox::delivery).list();
        }
        List<Long> ids = query.param("limit", room + inFlight.size())
            .query(Long.class)
            .list()
            .stream()
            .filter((id) -> !inFlight.contains(id))
            .limit(room)
            .toList();
        return ids.isEmpty() ? List.of()
                : this.jdbc.sql(InboxDialect.DELIVERIES_BY_ID).param("ids", ids).query(JdbcInbox::delivery).list();
    }

    /**
     * Records an attempt, through the group-commit writer.
     * @param afterWrite told whether the record was committed
     */
    public void complete(DeliveryResult result, Consumer<Boolean> afterWrite) throws InterruptedException {
        this.writer.put(new InboxWriter.Complete(result, afterWrite));
    }

    /** Registers a callback run after each commit with the sinks that got new deliveries. */
    public void onNewDeliveries(Consumer<Set<String>> listener) {
        this.writer.onNewDeliveries(listener);
    }

    /** Pending deliveries per sink: how many, and when the oldest one's event was received. */
    public Map<String, PendingDeliveries> pending() {
        Map<String, PendingDeliveries> pending = new LinkedHashMap<>();
        RowCallbackHandler row = (rs) -> pending.put(rs.getString("sink"),
                new PendingDeliveries(rs.getLong("pending"), Instant.ofEpochMilli(rs.getLong("oldest"))));
        this.jdbc.sql(PENDING_BY_SINK).query(row);
        return pending;
    }

    /** Pending deliveries of one sink. */
    public record PendingDeliveries(long count, Instant oldestReceivedAt) {
    }

    /** With the interview id and type, the dedup key: what Incode sends again when it retries. */
    static byte[] bodyHash(WebhookEvent event) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(event.body());
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", ex);
        }
    }

    static Delivery delivery(ResultSet rs, int row) throws SQLException {
        WebhookEvent event = new WebhookEvent(UUID.fromString(rs.getString("event_id")), rs.getString("type"),
                rs.getString("interview_id"), rs.getString("status"), Instant.ofEpochMilli(rs.getLong("received_at")),
                rs.getString("source_address"), rs.getBytes("body"));
        return new Delivery(rs.getLong("id"), rs.getString("sink"), rs.getInt("attempts") + 1, event);
    }
}
