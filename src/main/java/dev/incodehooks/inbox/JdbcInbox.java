package dev.incodehooks.inbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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

    private static final String DUE = """
            SELECT d.id, d.sink, d.attempts, e.id AS event_id, e.type, e.interview_id, e.status,
                e.source_address, e.received_at, e.body
            FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id
            WHERE d.sink = :sink AND d.state = 'pending' AND d.next_attempt_at <= :now
            ORDER BY d.next_attempt_at, d.id
            LIMIT :limit
            """;

    // A delivery waits while an earlier one of the same interview to the same sink is pending.
    private static final String DUE_IN_ORDER = """
            SELECT d.id, d.sink, d.attempts, e.id AS event_id, e.type, e.interview_id, e.status,
                e.source_address, e.received_at, e.body
            FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id
            WHERE d.sink = :sink AND d.state = 'pending' AND d.next_attempt_at <= :now
                AND NOT EXISTS (SELECT 1 FROM webhook_delivery p WHERE p.sink = d.sink
                    AND p.interview_id = d.interview_id AND p.state = 'pending' AND p.id < d.id)
            ORDER BY d.id
            LIMIT :limit
            """;

    private static final String PENDING_BY_SINK = """
            SELECT sink, COUNT(*) AS pending, MIN(received_at) AS oldest
            FROM webhook_delivery WHERE state = 'pending' GROUP BY sink
            """;

    private final InboxWriter writer;

    private final JdbcClient jdbc;

    private final DeliveryRouting routing;

    private final Duration commitDeadline;

    JdbcInbox(InboxWriter writer, JdbcClient jdbc, DeliveryRouting routing, InboxProperties properties) {
        this.writer = writer;
        this.jdbc = jdbc;
        this.routing = routing;
        this.commitDeadline = properties.commitDeadline();
    }

    @Override
    public Acceptance accept(WebhookEvent event) {
        CompletableFuture<Acceptance> result = new CompletableFuture<>();
        if (!this.writer.offer(new InboxWriter.Accept(event, dedupKey(event), this.routing.sinksFor(event), result))) {
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
     * Pending deliveries of a sink that are due at {@code now}, oldest first.
     * @param ordered whether to hold back a delivery while an earlier one of its interview is pending
     */
    public List<Delivery> due(String sink, boolean ordered, Instant now, int limit) {
        return this.jdbc.sql(ordered ? DUE_IN_ORDER : DUE)
            .param("sink", sink)
            .param("now", now.toEpochMilli())
            .param("limit", limit)
            .query(JdbcInbox::delivery)
            .list();
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

    /** Same type and same body bytes: what Incode sends again when it retries. */
    static String dedupKey(WebhookEvent event) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(event.type().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(event.body());
            return HexFormat.of().formatHex(digest.digest());
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
