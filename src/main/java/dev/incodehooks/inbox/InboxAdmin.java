package dev.incodehooks.inbox;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * What operators see and do: recent events, deliveries with their last error, and replay.
 */
public class InboxAdmin {

    private static final String EVENTS = """
            SELECT id, type, interview_id, status, source_address, received_at, LENGTH(body) AS body_bytes
            FROM webhook_event
            WHERE (CAST(:interviewId AS TEXT) IS NULL OR interview_id = :interviewId)
                AND (CAST(:type AS TEXT) IS NULL OR type = :type) AND (CAST(:status AS TEXT) IS NULL OR status = :status)
            ORDER BY id DESC
            LIMIT :limit
            """;

    private static final String DELIVERIES_OF_EVENT = """
            SELECT id, event_id, sink, interview_id, state, attempts, next_attempt_at, last_error, updated_at
            FROM webhook_delivery WHERE event_id = :eventId ORDER BY id
            """;

    private static final String DELIVERIES = """
            SELECT id, event_id, sink, interview_id, state, attempts, next_attempt_at, last_error, updated_at
            FROM webhook_delivery
            WHERE (CAST(:sink AS TEXT) IS NULL OR sink = :sink) AND (CAST(:state AS TEXT) IS NULL OR state = :state)
            ORDER BY id DESC
            LIMIT :limit
            """;

    private static final String COUNTS = """
            SELECT sink, state, COUNT(*) AS deliveries FROM webhook_delivery GROUP BY sink, state ORDER BY sink, state
            """;

    private static final String REPLAY = """
            UPDATE webhook_delivery SET state = 'pending', attempts = 0, next_attempt_at = :now, lease_until = NULL,
                updated_at = :now
            """;

    private final JdbcClient jdbc;

    private final InboxWriter writer;

    private final Clock clock;

    InboxAdmin(JdbcClient jdbc, InboxWriter writer, Clock clock) {
        this.jdbc = jdbc;
        this.writer = writer;
        this.clock = clock;
    }

    /** The most recent events, newest first, optionally filtered, each with its deliveries. */
    @Transactional(readOnly = true)
    public List<EventView> events(@Nullable String interviewId, @Nullable String type, @Nullable String status,
            int limit) {
        return this.jdbc.sql(EVENTS)
            .param("interviewId", interviewId)
            .param("type", type)
            .param("status", status)
            .param("limit", limit)
            .query((rs, row) -> new EventView(rs.getString("id"), rs.getString("type"), rs.getString("interview_id"),
                    rs.getString("status"), rs.getString("source_address"),
                    Instant.ofEpochMilli(rs.getLong("received_at")), rs.getInt("body_bytes"),
                    deliveriesOf(rs.getString("id"))))
            .list();
    }

    /** Deliveries, newest first, optionally of one sink and in one state. */
    public List<DeliveryView> deliveries(@Nullable String sink, @Nullable String state, int limit) {
        return this.jdbc.sql(DELIVERIES)
            .param("sink", sink)
            .param("state", state)
            .param("limit", limit)
            .query(InboxAdmin::deliveryView)
            .list();
    }

    /** Number of deliveries per sink and state. */
    public Map<String, Map<String, Long>> counts() {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        RowCallbackHandler row = (rs) -> counts.computeIfAbsent(rs.getString("sink"), (sink) -> new LinkedHashMap<>())
            .put(rs.getString("state"), rs.getLong("deliveries"));
        this.jdbc.sql(COUNTS).query(row);
        return counts;
    }

    /** Delivers one delivery again, from its first attempt. */
    @Transactional
    public int replayDelivery(long deliveryId) {
        return replay(REPLAY + " WHERE id = :id", Map.of("id", deliveryId),
                "SELECT DISTINCT sink FROM webhook_delivery WHERE id = :id");
    }

    /** Delivers one event again to every sink it was routed to. */
    @Transactional
    public int replayEvent(String eventId) {
        return replay(REPLAY + " WHERE event_id = :id", Map.of("id", eventId),
                "SELECT DISTINCT sink FROM webhook_delivery WHERE event_id = :id");
    }

    /** Delivers every dead delivery of a sink again. */
    @Transactional
    public int replayDead(String sink) {
        return replay(REPLAY + " WHERE sink = :id AND state = 'dead'", Map.of("id", sink),
                "SELECT DISTINCT sink FROM webhook_delivery WHERE sink = :id");
    }

    private int replay(String update, Map<String, Object> params, String sinksQuery) {
        lockForWrite(this.jdbc);
        Set<String> sinks = Set.copyOf(this.jdbc.sql(sinksQuery).params(params).query(String.class).list());
        int replayed = this.jdbc.sql(update).params(params).param("now", this.clock.millis()).update();
        if (replayed > 0) {
            this.writer.notifyNewDeliveries(sinks);
        }
        return replayed;
    }

    /**
     * Starts a read-then-write transaction with a write, so that it waits for the writer's lock rather
     * than failing when it upgrades (SQLite answers SQLITE_BUSY at once to a read transaction that wants
     * to write after another connection committed).
     */
    static void lockForWrite(JdbcClient jdbc) {
        jdbc.sql("UPDATE inbox_heartbeat SET checked_at = checked_at WHERE id = 1").update();
    }

    private List<DeliveryView> deliveriesOf(String eventId) {
        return this.jdbc.sql(DELIVERIES_OF_EVENT).param("eventId", eventId).query(InboxAdmin::deliveryView).list();
    }

    private static DeliveryView deliveryView(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new DeliveryView(rs.getLong("id"), rs.getString("event_id"), rs.getString("sink"),
                rs.getString("interview_id"), rs.getString("state"), rs.getInt("attempts"),
                Instant.ofEpochMilli(rs.getLong("next_attempt_at")), rs.getString("last_error"),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    /** An event as operators see it: everything but the payload. */
    public record EventView(String id, String type, String interviewId, @Nullable String status, String sourceAddress,
            Instant receivedAt, int bodyBytes, List<DeliveryView> deliveries) {
    }

    /** A delivery as operators see it. */
    public record DeliveryView(long id, String eventId, String sink, String interviewId, String state, int attempts,
            Instant nextAttemptAt, @Nullable String lastError, Instant updatedAt) {
    }
}
