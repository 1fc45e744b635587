package dev.incodehooks.inbox;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Purges events whose every delivery is resolved (delivered, skipped or dropped) once they are older than the retention,
 * with their deliveries and attempts, and dedup keys once they are older than the dedup window. Pending and dead
 * deliveries keep their events. Operators' actions are kept for the retention after they were taken, so the
 * audit trail of an event outlives the event. Works in small transactions so that the writer is never held up
 * for long.
 */
class InboxRetention {

    private static final Logger logger = LoggerFactory.getLogger(InboxRetention.class);

    private static final int CHUNK = 500;

    private static final String EXPIRED_EVENTS = """
            SELECT e.id FROM webhook_event e
            WHERE e.id < :cutoff AND NOT EXISTS (SELECT 1 FROM webhook_delivery d
                WHERE d.event_id = e.id AND d.state IN ('pending', 'dead'))
            LIMIT :limit
            """;

    private static final String EXPIRED_DEDUP_KEYS = """
            DELETE FROM webhook_dedup WHERE (interview_id, type, body_hash) IN
                (SELECT interview_id, type, body_hash FROM webhook_dedup WHERE received_at < :cutoff LIMIT :limit)
            """;

    private static final String EXPIRED_AUDIT = """
            DELETE FROM admin_audit WHERE id IN (SELECT id FROM admin_audit WHERE at < :cutoff LIMIT :limit)
            """;

    private final JdbcClient jdbc;

    private final InboxDialect dialect;

    private final TransactionTemplate transactions;

    private final Clock clock;

    private final Duration retention;

    private final Duration dedupWindow;

    InboxRetention(JdbcClient jdbc, InboxDialect dialect, TransactionTemplate transactions, Clock clock,
            InboxProperties properties) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.transactions = transactions;
        this.clock = clock;
        this.retention = properties.retention();
        this.dedupWindow = properties.dedupWindow();
    }

    @Scheduled(initialDelayString = "${webhooks.inbox.purge-interval:1h}",
            fixedDelayString = "${webhooks.inbox.purge-interval:1h}")
    void scheduledPurge() {
        try {
            purge();
        }
        catch (RuntimeException ex) {
            logger.warn("Inbox retention failed: {}", ex.toString());
        }
    }

    /** Purges what has expired; returns the number of events purged. */
    int purge() {
        long now = this.clock.millis();
        long eventCutoff = now - this.retention.toMillis();
        long dedupCutoff = now - this.dedupWindow.toMillis();
        int events = 0;
        int purged;
        do {
            purged = this.transactions.execute((status) -> purgeEvents(eventCutoff));
            events += purged;
        }
        while (purged == CHUNK);
        int keys = 0;
        do {
            purged = this.transactions.execute((status) -> this.jdbc.sql(EXPIRED_DEDUP_KEYS)
                .param("cutoff", dedupCutoff)
                .param("limit", CHUNK)
                .update());
            keys += purged;
        }
        while (purged == CHUNK);
        int actions = 0;
        do {
            purged = this.transactions.execute((status) -> this.jdbc.sql(EXPIRED_AUDIT)
                .param("cutoff", eventCutoff)
                .param("limit", CHUNK)
                .update());
            actions += purged;
        }
        while (purged == CHUNK);
        if (events > 0 || keys > 0 || actions > 0) {
            logger.info("Inbox retention purged {} events, {} dedup keys and {} audited actions", events, keys,
                    actions);
        }
        return events;
    }

    private int purgeEvents(long cutoff) {
        this.dialect.lockForWrite(this.jdbc);
        // Event ids are UUIDv7: every id below the first possible id of the cutoff time is older.
        List<String> ids = this.jdbc.sql(EXPIRED_EVENTS)
            .param("cutoff", new UUID(cutoff << 16, 0).toString())
            .param("limit", CHUNK)
            .query(String.class)
            .list();
        if (!ids.isEmpty()) {
            this.jdbc.sql("DELETE FROM webhook_attempt WHERE delivery_id IN"
                    + " (SELECT id FROM webhook_delivery WHERE event_id IN (:ids))").param("ids", ids).update();
            this.jdbc.sql("DELETE FROM webhook_delivery WHERE event_id IN (:ids)").param("ids", ids).update();
            this.jdbc.sql("DELETE FROM webhook_event WHERE id IN (:ids)").param("ids", ids).update();
        }
        return ids.size();
    }
}
