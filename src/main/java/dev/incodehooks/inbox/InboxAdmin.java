package dev.incodehooks.inbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * What operators see and do: recent events, deliveries with their last error, replay, skip and drop.
 * Every change is logged (action, ids, how many), never a payload.
 */
public class InboxAdmin {

    private static final Logger logger = LoggerFactory.getLogger(InboxAdmin.class);

    private static final String EVENTS = """
            SELECT id, type, interview_id, status, source_address, received_at, LENGTH(body) AS body_bytes
            FROM webhook_event
            WHERE (CAST(:interviewId AS TEXT) IS NULL OR interview_id = :interviewId)
                AND (CAST(:type AS TEXT) IS NULL OR type = :type) AND (CAST(:status AS TEXT) IS NULL OR status = :status)
            ORDER BY id DESC
            LIMIT :limit
            """;

    private static final String DELIVERY_COLUMNS = """
            SELECT id, event_id, sink, interview_id, state, attempts, next_attempt_at, last_error, updated_at
            FROM webhook_delivery
            """;

    private static final String DELIVERIES = DELIVERY_COLUMNS + """
            WHERE (CAST(:sink AS TEXT) IS NULL OR sink = :sink) AND (CAST(:state AS TEXT) IS NULL OR state = :state)
            ORDER BY id DESC
            LIMIT :limit
            """;

    private static final String COUNTS = """
            SELECT sink, state, COUNT(*) AS deliveries FROM webhook_delivery GROUP BY sink, state ORDER BY sink, state
            """;

    private static final String WAITING_BY_SINK = """
            SELECT sink, COUNT(*) AS deliveries FROM webhook_delivery WHERE state IN ('pending', 'dead') GROUP BY sink
            """;

    // A pending delivery is never replayed: it may be in flight, and its attempt's result would overwrite the
    // replay (or the replay its result). It is already on its way. A delivery of a sink that is no longer
    // configured has nobody to go to; a dropped one neither.
    private static final String REPLAYABLE = " state IN ('dead', 'delivered', 'skipped') AND sink IN (:configured) AND ";

    private static final String REPLAY = """
            UPDATE webhook_delivery SET state = 'pending', attempts = 0, next_attempt_at = :now, lease_until = NULL,
                updated_at = :now
            WHERE""" + REPLAYABLE;

    private static final String NOT_REPLAYABLE = "SELECT COUNT(*) FROM webhook_delivery WHERE NOT (" + REPLAYABLE
            + " TRUE) AND ";

    private final JdbcClient jdbc;

    private final InboxDialect dialect;

    private final InboxWriter writer;

    private final DeliveryRouting routing;

    private final Clock clock;

    InboxAdmin(JdbcClient jdbc, InboxDialect dialect, InboxWriter writer, DeliveryRouting routing, Clock clock) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.writer = writer;
        this.routing = routing;
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

    /** Per ordered sink, pending deliveries held back behind a dead delivery of their interview. */
    public Map<String, Long> held() {
        Map<String, Long> held = new TreeMap<>();
        this.jdbc.sql(JdbcInbox.HELD).query((ResultSet rs) -> {
            if (this.routing.ordered(rs.getString("sink"))) {
                held.put(rs.getString("sink"), rs.getLong("held"));
            }
        });
        return held;
    }

    /**
     * Pending and dead deliveries of sinks that are no longer configured, per sink: nothing will deliver
     * them, and they keep their events from retention until dropped.
     */
    public Map<String, Long> unconfigured() {
        Set<String> configured = this.routing.sinks();
        Map<String, Long> unconfigured = new TreeMap<>();
        this.jdbc.sql(WAITING_BY_SINK).query((ResultSet rs) -> {
            if (!configured.contains(rs.getString("sink"))) {
                unconfigured.put(rs.getString("sink"), rs.getLong("deliveries"));
            }
        });
        return unconfigured;
    }

    /** Delivers one delivery again, from its first attempt. */
    @Transactional
    public Replay replayDelivery(long deliveryId) {
        return replay("id = :id", Map.of("id", deliveryId), "delivery " + deliveryId);
    }

    /** Delivers one event again to every sink it was routed to. */
    @Transactional
    public Replay replayEvent(String eventId) {
        return replay("event_id = :id", Map.of("id", eventId), "event " + eventId);
    }

    /**
     * Delivers every dead delivery of a sink again.
     * @throws IllegalArgumentException for a sink that is not configured: nothing would deliver them
     */
    @Transactional
    public Replay replayDead(String sink) {
        if (!this.routing.sinks().contains(sink)) {
            throw new IllegalArgumentException("Sink " + sink + " is not configured: nothing would deliver its deliveries");
        }
        return replay("sink = :id AND state = 'dead'", Map.of("id", sink), "dead deliveries of sink " + sink);
    }

    /**
     * Gives up on a dead delivery for good: on an ordered sink, the later events of its interview go out.
     * @return 1, or 0 when no dead delivery has that id
     */
    @Transactional
    public int skip(long deliveryId) {
        this.dialect.lockForWrite(this.jdbc);
        List<String> sinks = this.jdbc.sql("SELECT sink FROM webhook_delivery WHERE id = :id AND state = 'dead'")
            .param("id", deliveryId)
            .query(String.class)
            .list();
        int skipped = this.jdbc.sql("UPDATE webhook_delivery SET state = 'skipped', updated_at = :now WHERE id = :id"
                + " AND state = 'dead'").param("id", deliveryId).param("now", this.clock.millis()).update();
        logger.warn("Admin action skip: delivery {} skipped={}", deliveryId, skipped);
        this.writer.notifyNewDeliveries(Set.copyOf(sinks));
        return skipped;
    }

    /**
     * Drops the pending and dead deliveries of a sink that is no longer configured.
     * @throws IllegalArgumentException for a configured sink: its deliveries are on their way
     */
    @Transactional
    public int drop(String sink) {
        if (this.routing.sinks().contains(sink)) {
            throw new IllegalArgumentException("Sink " + sink + " is configured: only an unconfigured sink's deliveries can be dropped");
        }
        this.dialect.lockForWrite(this.jdbc);
        int dropped = this.jdbc.sql("UPDATE webhook_delivery SET state = 'dropped', updated_at = :now"
                + " WHERE sink = :sink AND state IN ('pending', 'dead')")
            .param("sink", sink)
            .param("now", this.clock.millis())
            .update();
        logger.warn("Admin action drop: sink {} dropped={}", sink, dropped);
        return dropped;
    }

    private Replay replay(String where, Map<String, Object> params, String what) {
        this.dialect.lockForWrite(this.jdbc);
        Set<String> configured = this.routing.sinks();
        Set<String> sinks = Set.copyOf(this.jdbc.sql("SELECT DISTINCT sink FROM webhook_delivery WHERE " + where)
            .params(params)
            .query(String.class)
            .list());
        int notReplayed = this.jdbc.sql(NOT_REPLAYABLE + where)
            .params(params)
            .param("configured", configured)
            .query(Integer.class)
            .single();
        int replayed = this.jdbc.sql(REPLAY + where)
            .params(params)
            .param("configured", configured)
            .param("now", this.clock.millis())
            .update();
        logger.warn("Admin action replay: {} replayed={} notReplayed={}", what, replayed, notReplayed);
        if (replayed > 0) {
            this.writer.notifyNewDeliveries(sinks);
        }
        return new Replay(replayed, notReplayed);
    }

    private List<DeliveryView> deliveriesOf(String eventId) {
        return this.jdbc.sql(DELIVERY_COLUMNS + " WHERE event_id = :eventId ORDER BY id")
            .param("eventId", eventId)
            .query(InboxAdmin::deliveryView)
            .list();
    }

    private static DeliveryView deliveryView(ResultSet rs, int row) throws SQLException {
        return new DeliveryView(rs.getLong("id"), rs.getString("event_id"), rs.getString("sink"),
                rs.getString("interview_id"), rs.getString("state"), rs.getInt("attempts"),
                Instant.ofEpochMilli(rs.getLong("next_attempt_at")), rs.getString("last_error"),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    /**
     * What a replay did.
     * @param replayed deliveries due again from their first attempt
     * @param notReplayed deliveries left alone: pending ones (already on their way, perhaps in flight),
     * dropped ones, and those of sinks no longer configured
     */
    public record Replay(int replayed, int notReplayed) {
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
