package dev.incodehooks.inbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

import dev.incodehooks.event.EventIds;

/**
 * What operators see and do: events, deliveries with their attempts, sinks, replay, skip and drop. Every
 * change is logged (actor, action, ids, how many), never a payload, and audited in the transaction that makes it.
 */
public class InboxAdmin {

    private static final Pattern EVENT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final Pattern SINK_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");

    private static final Logger logger = LoggerFactory.getLogger(InboxAdmin.class);

    /** Largest page of {@link #find} and {@link #dead}. */
    static final int MAX_PAGE_SIZE = 1000;

    private static final String EVENT_COLUMNS = """
            SELECT id, type, interview_id, status, source_address, received_at, LENGTH(body) AS body_bytes
            FROM webhook_event
            """;

    private static final String EVENTS = EVENT_COLUMNS + """
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

    // The partial index on (sink, id) of dead deliveries serves both.
    private static final String DEAD = DELIVERY_COLUMNS + """
            WHERE sink = :sink AND state = 'dead' AND id < :before
            ORDER BY id DESC
            LIMIT :limit
            """;

    private static final String DEAD_COUNT = """
            SELECT COUNT(*) FROM webhook_delivery WHERE sink = :sink AND state = 'dead'
            """;

    private static final String ATTEMPTS = """
            SELECT delivery_id, attempt, started_at, finished_at, outcome, error FROM webhook_attempt
            WHERE delivery_id IN (:deliveryIds)
            ORDER BY delivery_id, attempt
            """;

    private static final String AUDIT = """
            INSERT INTO admin_audit (at, actor, action, target, affected) VALUES (:at, :actor, :action, :target, :affected)
            """;

    private static final String AUDIT_TRAIL = """
            SELECT id, at, actor, action, target, affected FROM admin_audit ORDER BY id DESC LIMIT :limit
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
            .query((rs, row) -> eventView(rs, deliveriesOf(rs.getString("id"))))
            .list();
    }

    /**
     * Events, newest first, that meet every criterion given, a page at a time. A page starts below the last
     * event of the page before (keyset paging): it costs the same however deep it is, and events received
     * meanwhile neither shift nor repeat the pages.
     * @param cursor the {@link Page#next()} of the page before, or null for the first page
     * @throws IllegalArgumentException for a cursor that is not one this method gave, or a size outside 1 to
     * {@value #MAX_PAGE_SIZE}
     */
    @Transactional(readOnly = true)
    public Page<EventView> find(Criteria criteria, @Nullable String cursor, int size) {
        checkSize(size);
        Query query = findQuery(criteria, cursor, size + 1);
        List<EventView> events = this.jdbc.sql(query.sql())
            .params(query.params())
            .query((rs, row) -> eventView(rs, List.of()))
            .list();
        List<EventView> page = events.subList(0, Math.min(size, events.size()));
        Map<String, List<DeliveryView>> deliveries = deliveriesOf(page.stream().map(EventView::id).toList());
        return new Page<>(page.stream().map((event) -> event.withDeliveries(deliveries.getOrDefault(event.id(), List.of())))
            .toList(), (events.size() > size) ? page.get(size - 1).id() : null);
    }

    /**
     * The query of {@link #find}, of up to {@code limit} events. Only the criteria given are in it, so that the
     * planner sees each one it can use an index for (interview id: its index; time range and cursor: the
     * primary key).
     */
    static Query findQuery(Criteria criteria, @Nullable String cursor, int limit) {
        StringJoiner where = new StringJoiner(" AND ", "WHERE ", "\n").setEmptyValue("");
        Map<String, Object> params = new HashMap<>();
        if (criteria.interviewId() != null) {
            where.add("interview_id = :interviewId");
            params.put("interviewId", criteria.interviewId());
        }
        if (criteria.type() != null) {
            where.add("type = :type");
            params.put("type", criteria.type());
        }
        if (criteria.status() != null) {
            where.add("status = :status");
            params.put("status", criteria.status());
        }
        // The time of receipt is the time in the event's id: a time range is a range of ids.
        if (criteria.from() != null) {
            where.add("id >= :from");
            params.put("from", firstIdAt(criteria.from()));
        }
        if (criteria.to() != null) {
            where.add("id < :to");
            params.put("to", firstIdAt(criteria.to()));
        }
        if (cursor != null) {
            where.add("id < :cursor");
            params.put("cursor", eventCursor(cursor));
        }
        params.put("limit", limit);
        return new Query(EVENT_COLUMNS + where + "ORDER BY id DESC LIMIT :limit", params);
    }

    /** One event with each of its deliveries and their attempts, oldest attempt first; never the payload. */
    @Transactional(readOnly = true)
    public Optional<EventDetail> event(String eventId) {
        Optional<EventView> found = this.jdbc.sql(EVENT_COLUMNS + "WHERE id = :id")
            .param("id", eventId)
            .query((rs, row) -> eventView(rs, deliveriesOf(rs.getString("id"))))
            .optional();
        return found.map((event) -> {
            Map<Long, List<AttemptView>> attempts = attemptsOf(event.deliveries().stream().map(DeliveryView::id).toList());
            return new EventDetail(event, event.deliveries()
                .stream()
                .map((delivery) -> new DeliveryDetail(delivery, this.routing.ordered(delivery.sink()),
                        attempts.getOrDefault(delivery.id(), List.of())))
                .toList());
        });
    }

    /** The body of an event as it was received, byte for byte. The caller audits who saw it. */
    @Transactional(readOnly = true)
    public Optional<byte[]> payload(String eventId) {
        return this.jdbc.sql("SELECT body FROM webhook_event WHERE id = :id")
            .param("id", eventId)
            .query((rs, row) -> rs.getBytes("body"))
            .optional();
    }

    /**
     * Every configured sink, and every other sink that still has pending or dead deliveries (left by a sink
     * that has since gone), by name.
     */
    @Transactional(readOnly = true)
    public List<SinkSummary> sinks() {
        Set<String> configured = this.routing.sinks();
        Map<String, SinkSummary> sinks = new TreeMap<>();
        configured.forEach((sink) -> sinks.put(sink,
                new SinkSummary(sink, true, this.routing.ordered(sink), 0, 0, 0, null)));
        Map<String, Long> held = held();
        this.jdbc.sql(JdbcInbox.BACKLOG).query((ResultSet rs) -> {
            String sink = rs.getString("sink");
            long oldest = rs.getLong("oldest");
            Instant oldestPendingReceivedAt = rs.wasNull() ? null : Instant.ofEpochMilli(oldest);
            sinks.put(sink, new SinkSummary(sink, configured.contains(sink), this.routing.ordered(sink),
                    rs.getLong("pending"), held.getOrDefault(sink, 0L), rs.getLong("dead"), oldestPendingReceivedAt));
        });
        return List.copyOf(sinks.values());
    }

    /**
     * The dead deliveries of a sink, newest first, a page at a time (keyset paging, as {@link #find}).
     * @throws IllegalArgumentException for a cursor that is not one this method gave, or a size outside 1 to
     * {@value #MAX_PAGE_SIZE}
     */
    @Transactional(readOnly = true)
    public Page<DeliveryView> dead(String sink, @Nullable String cursor, int size) {
        checkSize(size);
        List<DeliveryView> dead = this.jdbc.sql(DEAD)
            .param("sink", sink)
            .param("before", (cursor != null) ? deliveryCursor(cursor) : Long.MAX_VALUE)
            .param("limit", size + 1)
            .query(InboxAdmin::deliveryView)
            .list();
        List<DeliveryView> page = List.copyOf(dead.subList(0, Math.min(size, dead.size())));
        return new Page<>(page, (dead.size() > size) ? Long.toString(page.get(size - 1).id()) : null);
    }

    /** How many deliveries of a sink are dead. */
    @Transactional(readOnly = true)
    public long deadCount(String sink) {
        return this.jdbc.sql(DEAD_COUNT).param("sink", sink).query(Long.class).single();
    }

    /**
     * Records an operator's action that changes no delivery, such as {@code reveal-payload} of
     * {@code event <id>}.
     */
    @Transactional
    public void audit(String actor, String action, String target, int affected) {
        record(actor, action, target, affected);
        logger.warn("Admin action {} by {}: {} affected={}", action, actor, printable(target), affected);
    }

    private void record(String actor, String action, String target, int affected) {
        if (actor.isBlank()) {
            throw new IllegalArgumentException("An audited action needs an actor");
        }
        this.jdbc.sql(AUDIT)
            .param("at", this.clock.millis())
            .param("actor", actor)
            .param("action", action)
            .param("target", target)
            .param("affected", affected)
            .update();
    }

    /** The most recent operators' actions, newest first. */
    @Transactional(readOnly = true)
    public List<AuditEntry> audit(int limit) {
        return this.jdbc.sql(AUDIT_TRAIL)
            .param("limit", limit)
            .query((rs, row) -> new AuditEntry(rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("at")),
                    rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getInt("affected")))
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

    /** Delivers one delivery again, from its first attempt; audited as {@code replay} of {@code delivery <id>}. */
    @Transactional
    public Replay replayDelivery(long deliveryId, String actor) {
        return replay("id = :id", Map.of("id", deliveryId), "delivery " + deliveryId, actor);
    }

    /** Delivers one event again to every sink it was routed to; audited as {@code replay} of {@code event <id>}. */
    @Transactional
    public Replay replayEvent(String eventId, String actor) {
        if (!EVENT_ID.matcher(eventId).matches()) {
            throw new IllegalArgumentException("An event id is a UUID, such as 01a232ee-72e2-70c6-a75d-ee6ef1be0aaa");
        }
        return replay("event_id = :id", Map.of("id", eventId), "event " + eventId, actor);
    }

    /**
     * Delivers every dead delivery of a sink again; audited as {@code replay} of {@code sink <name>}.
     * @throws IllegalArgumentException for a sink that is not configured: nothing would deliver them
     */
    @Transactional
    public Replay replayDead(String sink, String actor) {
        requireSinkName(sink);
        if (!this.routing.sinks().contains(sink)) {
            throw new IllegalArgumentException("Sink " + sink + " is not configured: nothing would deliver its deliveries");
        }
        return replay("sink = :id AND state = 'dead'", Map.of("id", sink), "sink " + sink, actor);
    }

    /**
     * Gives up on a dead delivery for good: on an ordered sink, the later events of its interview go out.
     * Audited as {@code skip} of {@code delivery <id>}.
     * @return 1, or 0 when no dead delivery has that id
     */
    @Transactional
    public int skip(long deliveryId, String actor) {
        this.dialect.lockForWrite(this.jdbc);
        List<String> sinks = this.jdbc.sql("SELECT sink FROM webhook_delivery WHERE id = :id AND state = 'dead'")
            .param("id", deliveryId)
            .query(String.class)
            .list();
        int skipped = this.jdbc.sql("UPDATE webhook_delivery SET state = 'skipped', updated_at = :now WHERE id = :id"
                + " AND state = 'dead'").param("id", deliveryId).param("now", this.clock.millis()).update();
        record(actor, "skip", "delivery " + deliveryId, skipped);
        logger.warn("Admin action skip by {}: delivery {} skipped={}", actor, deliveryId, skipped);
        this.writer.notifyNewDeliveries(Set.copyOf(sinks));
        return skipped;
    }

    /**
     * Drops the pending and dead deliveries of a sink that is no longer configured; audited as {@code drop}
     * of {@code sink <name>}.
     * @throws IllegalArgumentException for a configured sink: its deliveries are on their way
     */
    @Transactional
    public int drop(String sink, String actor) {
        requireSinkName(sink);
        if (this.routing.sinks().contains(sink)) {
            throw new IllegalArgumentException("Sink " + sink + " is configured: only an unconfigured sink's deliveries can be dropped");
        }
        this.dialect.lockForWrite(this.jdbc);
        int dropped = this.jdbc.sql("UPDATE webhook_delivery SET state = 'dropped', updated_at = :now"
                + " WHERE sink = :sink AND state IN ('pending', 'dead')")
            .param("sink", sink)
            .param("now", this.clock.millis())
            .update();
        record(actor, "drop", "sink " + sink, dropped);
        logger.warn("Admin action drop by {}: sink {} dropped={}", actor, sink, dropped);
        return dropped;
    }

    /** Sink names as configuration allows them: anything else names no sink, and must not reach the log. */
    private static void requireSinkName(String sink) {
        if (!SINK_NAME.matcher(sink).matches()) {
            throw new IllegalArgumentException("A sink name is lowercase letters, digits and dashes");
        }
    }

    /** A value for a log line: one line, whatever a caller put in it. */
    private static String printable(String value) {
        return value.codePoints()
            .map((c) -> Character.isISOControl(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    }

    private Replay replay(String where, Map<String, Object> params, String target, String actor) {
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
        record(actor, "replay", target, replayed);
        logger.warn("Admin action replay by {}: {} replayed={} notReplayed={}", actor, target, replayed, notReplayed);
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

    /** Deliveries of several events, by event. */
    private Map<String, List<DeliveryView>> deliveriesOf(List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Map.of();
        }
        return this.jdbc.sql(DELIVERY_COLUMNS + " WHERE event_id IN (:eventIds) ORDER BY id")
            .param("eventIds", eventIds)
            .query(InboxAdmin::deliveryView)
            .stream()
            .collect(Collectors.groupingBy(DeliveryView::eventId));
    }

    /** Attempts of several deliveries, by delivery, oldest first. */
    private Map<Long, List<AttemptView>> attemptsOf(List<Long> deliveryIds) {
        if (deliveryIds.isEmpty()) {
            return Map.of();
        }
        return this.jdbc.sql(ATTEMPTS)
            .param("deliveryIds", deliveryIds)
            .query((rs, row) -> Map.entry(rs.getLong("delivery_id"), new AttemptView(rs.getInt("attempt"),
                    Instant.ofEpochMilli(rs.getLong("started_at")), Instant.ofEpochMilli(rs.getLong("finished_at")),
                    rs.getString("outcome"), rs.getString("error"))))
            .stream()
            .collect(Collectors.groupingBy(Map.Entry::getKey,
                    Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }

    private static void checkSize(int size) {
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("A page holds 1 to " + MAX_PAGE_SIZE + " rows, not " + size);
        }
    }

    /** The first id an event received at or after an instant can have: ids hold whole milliseconds. */
    private static String firstIdAt(Instant instant) {
        long millis = instant.toEpochMilli() + ((instant.getNano() % 1_000_000 != 0) ? 1 : 0);
        return EventIds.first(millis).toString();
    }

    /** An event cursor is the id of the last event of its page, as this class writes ids. */
    private static String eventCursor(String cursor) {
        try {
            if (UUID.fromString(cursor).toString().equals(cursor)) {
                return cursor;
            }
        }
        catch (IllegalArgumentException ex) {
            // Refused below.
        }
        throw new IllegalArgumentException("Not a cursor of events: " + cursor);
    }

    /** A cursor of deliveries is the id of the last delivery of its page. */
    private static long deliveryCursor(String cursor) {
        try {
            long id = Long.parseLong(cursor);
            if (id > 0 && Long.toString(id).equals(cursor)) {
                return id;
            }
        }
        catch (NumberFormatException ex) {
            // Refused below.
        }
        throw new IllegalArgumentException("Not a cursor of deliveries: " + cursor);
    }

    private static EventView eventView(ResultSet rs, List<DeliveryView> deliveries) throws SQLException {
        return new EventView(rs.getString("id"), rs.getString("type"), rs.getString("interview_id"),
                rs.getString("status"), rs.getString("source_address"), Instant.ofEpochMilli(rs.getLong("received_at")),
                rs.getInt("body_bytes"), deliveries);
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

    /** A query and its named parameters. */
    record Query(String sql, Map<String, Object> params) {
    }

    /** An event as operators see it: everything but the payload. */
    public record EventView(String id, String type, String interviewId, @Nullable String status, String sourceAddress,
            Instant receivedAt, int bodyBytes, List<DeliveryView> deliveries) {

        EventView withDeliveries(List<DeliveryView> deliveries) {
            return new EventView(this.id, this.type, this.interviewId, this.status, this.sourceAddress,
                    this.receivedAt, this.bodyBytes, deliveries);
        }
    }

    /** A delivery as operators see it. */
    public record DeliveryView(long id, String eventId, String sink, String interviewId, String state, int attempts,
            Instant nextAttemptAt, @Nullable String lastError, Instant updatedAt) {
    }

    /**
     * What {@link #find} looks for; every criterion given must hold.
     * @param from received at or after
     * @param to received before
     */
    public record Criteria(@Nullable String interviewId, @Nullable String type, @Nullable String status,
            @Nullable Instant from, @Nullable Instant to) {
    }

    /**
     * One page of a list.
     * @param next the cursor of the following (older) page, null when there is none; opaque to callers
     */
    public record Page<T>(List<T> items, @Nullable String next) {
    }

    /** An event with each of its deliveries and their attempts. */
    public record EventDetail(EventView event, List<DeliveryDetail> deliveries) {
    }

    /**
     * A delivery with its attempts, oldest first, across replays.
     * @param ordered whether its sink delivers each interview's events in order of receipt
     */
    public record DeliveryDetail(DeliveryView delivery, boolean ordered, List<AttemptView> attempts) {
    }

    /**
     * One attempt of a delivery.
     * @param attempt the delivery's attempts counted over its whole life: a replay goes on counting, although
     * the sink sees it as attempt 1 again
     * @param outcome {@code delivered}, {@code failed} (another attempt follows) or {@code dead}
     * @param error why it failed, as in the delivery's last error
     */
    public record AttemptView(int attempt, Instant startedAt, Instant finishedAt, String outcome,
            @Nullable String error) {
    }

    /**
     * One sink as operators see it.
     * @param configured whether it is in the configuration; one that is not only has deliveries left over
     * @param held pending deliveries held back behind a dead delivery of their interview (ordered sinks)
     * @param oldestPendingReceivedAt when the oldest pending delivery's event was received; null when none is
     * pending
     */
    public record SinkSummary(String sink, boolean configured, boolean ordered, long pending, long held, long dead,
            @Nullable Instant oldestPendingReceivedAt) {
    }

    /**
     * One operator's action.
     * @param action {@code replay}, {@code skip}, {@code drop}, or what the console records itself
     * @param target what it acted on: {@code delivery <id>}, {@code event <id>} or {@code sink <name>}
     * @param affected how many deliveries it changed (replayed, skipped, dropped)
     */
    public record AuditEntry(long id, Instant at, String actor, String action, String target, int affected) {
    }
}
