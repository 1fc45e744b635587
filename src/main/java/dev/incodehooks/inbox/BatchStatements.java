package dev.incodehooks.inbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.incodehooks.event.WebhookEvent;
import dev.incodehooks.inbox.Inbox.Acceptance;

/**
 * The rows of the writer's batches, and all their SQL: each event with its dedup key and its deliveries,
 * each delivery result with its attempt, the health check's heartbeat. Written on the connection of the
 * batch's transaction; {@link InboxWriter} keeps the mechanics (queue, batches, deadlines, futures).
 */
final class BatchStatements {

    // The dedup row is taken over only when the one found is older than the window: the unique key
    // arbitrates between racing duplicates.
    private static final String CLAIM_DEDUP_KEY = """
            INSERT INTO webhook_dedup (interview_id, type, body_hash, event_id, received_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (interview_id, type, body_hash)
            DO UPDATE SET event_id = excluded.event_id, received_at = excluded.received_at
            WHERE webhook_dedup.received_at < ?
            """;

    private static final String INSERT_EVENT = """
            INSERT INTO webhook_event (id, type, interview_id, status, source_address, received_at, body)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """;

    private static final String INSERT_DELIVERY = """
            INSERT INTO webhook_delivery (event_id, sink, interview_id, received_at, state, attempts,
                next_attempt_at, updated_at)
            VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)
            """;

    // Fenced: written only while the row is still the attempt's (same attempts, same claim), so a result
    // never lands on a delivery another replica took over after the lease, nor on a replay.
    private static final String COMPLETE_DELIVERY = """
            UPDATE webhook_delivery SET state = ?, attempts = ?, next_attempt_at = ?, last_error = COALESCE(?, last_error),
                lease_until = NULL, updated_at = ?
            WHERE id = ? AND state = 'pending' AND attempts = ? AND COALESCE(lease_until, 0) = ?
            """;

    // One more than the delivery's last recorded attempt: a replay starts attempts again from 1, and its
    // attempts follow the earlier ones. Written only after the fenced update took the result, which holds the
    // delivery's row (one attempt at a time), so no other attempt of it is recorded meanwhile.
    private static final String RECORD_ATTEMPT = """
            INSERT INTO webhook_attempt (delivery_id, attempt, sink, started_at, finished_at, outcome, error)
            VALUES (?, (SELECT COALESCE(MAX(attempt), 0) + 1 FROM webhook_attempt WHERE delivery_id = ?), ?, ?, ?, ?, ?)
            """;

    private static final String HEARTBEAT = "UPDATE inbox_heartbeat SET checked_at = ? WHERE id = 1";

    private final Clock clock;

    private final Duration dedupWindow;

    BatchStatements(Clock clock, Duration dedupWindow) {
        this.clock = clock;
        this.dedupWindow = dedupWindow;
    }

    void writeAccepts(Connection connection, List<InboxWriter.Accept> accepts, Map<InboxWriter.Accept, Acceptance> acceptances,
            Set<String> sinksWithNewDeliveries) throws SQLException {
        if (accepts.isEmpty()) {
            return;
        }
        long now = this.clock.millis();
        List<InboxWriter.Accept> byKey = new ArrayList<>(accepts);
        byKey.sort(InboxWriter.Accept.KEY_ORDER);
        try (PreparedStatement dedup = connection.prepareStatement(CLAIM_DEDUP_KEY);
                PreparedStatement events = connection.prepareStatement(INSERT_EVENT);
                PreparedStatement deliveries = connection.prepareStatement(INSERT_DELIVERY)) {
            for (InboxWriter.Accept accept : byKey) {
                WebhookEvent event = accept.event();
                long receivedAt = event.receivedAt().toEpochMilli();
                dedup.setString(1, event.interviewId());
                dedup.setString(2, event.type());
                dedup.setBytes(3, accept.bodyHash());
                dedup.setString(4, event.id().toString());
                dedup.setLong(5, receivedAt);
                dedup.setLong(6, receivedAt - this.dedupWindow.toMillis());
                dedup.addBatch();
            }
            // One round trip for every key of the batch; a key not taken (0) is a duplicate.
            int[] claimed = dedup.executeBatch();
            for (int i = 0; i < byKey.size(); i++) {
                acceptances.put(byKey.get(i), (claimed[i] == 0) ? Acceptance.DUPLICATE : Acceptance.STORED);
            }
            for (InboxWriter.Accept accept : accepts) {
                if (acceptances.get(accept) == Acceptance.DUPLICATE) {
                    continue;
                }
                WebhookEvent event = accept.event();
                long receivedAt = event.receivedAt().toEpochMilli();
                events.setString(1, event.id().toString());
                events.setString(2, event.type());
                events.setString(3, event.interviewId());
                events.setString(4, event.status());
                events.setString(5, event.sourceAddress());
                events.setLong(6, receivedAt);
                events.setBytes(7, event.body());
                events.addBatch();
                for (String sink : accept.sinks()) {
                    deliveries.setString(1, event.id().toString());
                    deliveries.setString(2, sink);
                    deliveries.setString(3, event.interviewId());
                    deliveries.setLong(4, receivedAt);
                    deliveries.setLong(5, receivedAt);
                    deliveries.setLong(6, now);
                    deliveries.addBatch();
                    sinksWithNewDeliveries.add(sink);
                }
            }
            events.executeBatch();
            deliveries.executeBatch();
        }
    }

    void writeCompletions(Connection connection, List<InboxWriter.Complete> completions) throws SQLException {
        if (completions.isEmpty()) {
            return;
        }
        long now = this.clock.millis();
        try (PreparedStatement update = connection.prepareStatement(COMPLETE_DELIVERY)) {
            for (InboxWriter.Complete complete : completions) {
                DeliveryResult result = complete.result();
                Delivery delivery = result.delivery();
                update.setString(1, result.state().value());
                update.setInt(2, result.attempts());
                update.setLong(3, (result.nextAttemptAt() != null) ? result.nextAttemptAt().toEpochMilli() : now);
                update.setString(4, result.error());
                update.setLong(5, now);
                update.setLong(6, delivery.id());
                update.setInt(7, delivery.attempt() - 1);
                update.setLong(8, delivery.claim());
                update.addBatch();
            }
            int[] updated = update.executeBatch();
            writeAttempts(connection, completions, updated);
        }
    }

    /** The attempts of the results just written; none for a result the fence refused, nor for a release. */
    private static void writeAttempts(Connection connection, List<InboxWriter.Complete> completions, int[] updated)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(RECORD_ATTEMPT)) {
            boolean any = false;
            for (int i = 0; i < completions.size(); i++) {
                DeliveryResult result = completions.get(i).result();
                Instant startedAt = result.startedAt();
                Instant finishedAt = result.finishedAt();
                if (updated[i] <= 0 || startedAt == null || finishedAt == null) {
                    continue;
                }
                insert.setLong(1, result.delivery().id());
                insert.setLong(2, result.delivery().id());
                insert.setString(3, result.delivery().sink());
                insert.setLong(4, startedAt.toEpochMilli());
                insert.setLong(5, finishedAt.toEpochMilli());
                insert.setString(6, switch (result.state()) {
                    case DELIVERED -> "delivered";
                    case DEAD -> "dead";
                    default -> "failed";
                });
                insert.setString(7, result.error());
                insert.addBatch();
                any = true;
            }
            if (any) {
                insert.executeBatch();
            }
        }
    }

    void writeHeartbeat(Connection connection) throws SQLException {
        try (PreparedStatement heartbeat = connection.prepareStatement(HEARTBEAT)) {
            heartbeat.setLong(1, this.clock.millis());
            heartbeat.executeUpdate();
        }
    }
}
