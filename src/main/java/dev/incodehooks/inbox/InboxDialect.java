package dev.incodehooks.inbox;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * What differs between the embedded store (SQLite, one process) and the shared one (PostgreSQL, several
 * replicas): how due deliveries are taken, and how a commit is made durable.
 */
enum InboxDialect {

    /**
     * One process owns the file: the ids of due deliveries are read from the index alone, the worker
     * drops those it is already working on, and only the others are read whole.
     */
    SQLITE {

        @Override
        String dueQuery(boolean ordered) {
            return "SELECT d.id FROM webhook_delivery d WHERE " + DUE + (ordered ? IN_ORDER : "")
                    + " ORDER BY d.next_attempt_at, d.id LIMIT :limit";
        }

        @Override
        String dueDeliveriesQuery(boolean ordered) {
            return SELECT + " FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id WHERE " + DUE
                    + (ordered ? IN_ORDER : "") + " ORDER BY d.next_attempt_at, d.id LIMIT :limit";
        }

        @Override
        boolean claims() {
            return false;
        }

        @Override
        void beginBatch(Connection connection) {
        }

        @Override
        void lockForWrite(JdbcClient jdbc) {
            jdbc.sql("UPDATE inbox_heartbeat SET checked_at = checked_at WHERE id = 1").update();
        }
    },

    /**
     * Several replicas share the database: a replica claims due deliveries with a lease, skipping rows
     * another replica has locked, and takes over the claims of a replica that died once they expire.
     */
    POSTGRESQL {

        @Override
        String dueQuery(boolean ordered) {
            return "WITH claimed AS (UPDATE webhook_delivery SET lease_until = :leaseUntil WHERE id IN ("
                    + "SELECT d.id FROM webhook_delivery d WHERE " + DUE
                    + " AND (d.lease_until IS NULL OR d.lease_until < :now)"
                    + (ordered ? IN_ORDER + VISIBLE : "")
                    + " ORDER BY d.next_attempt_at, d.id"
                    + " LIMIT :limit FOR UPDATE SKIP LOCKED) RETURNING id, sink, attempts, event_id, lease_until) "
                    + SELECT.replace("d.", "c.") + " FROM claimed c JOIN webhook_event e ON e.id = c.event_id"
                    + " ORDER BY c.id";
        }

        @Override
        boolean claims() {
            return true;
        }

        @Override
        void beginBatch(Connection connection) throws SQLException {
            // Durable whatever the server or database default says: an acknowledged event must survive.
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL synchronous_commit = on");
            }
        }

        @Override
        void lockForWrite(JdbcClient jdbc) {
            // Row locks: nothing to take up front, and a shared row here would hold up the writer's batches.
        }
    };

    private static final String SELECT = "SELECT d.id, d.sink, d.attempts, d.lease_until, e.id AS event_id, e.type, "
            + "e.interview_id, e.status, e.source_address, e.received_at, e.body";

    private static final String DUE = "d.sink = :sink AND d.state = 'pending' AND d.next_attempt_at <= :now";

    // A delivery waits while an earlier event (by id: the order of receipt) of the same interview is pending or
    // dead on the same sink. The state test is written as in the partial index it uses.
    private static final String IN_ORDER = " AND NOT EXISTS (SELECT 1 FROM webhook_delivery p"
            + " WHERE p.sink = d.sink AND p.interview_id = d.interview_id AND p.state IN ('pending', 'dead')"
            + " AND p.event_id < d.event_id)";

    // Replicas commit in their own order: an event goes out only once every event received before it has
    // either committed or been refused (the commit deadline), on any replica (the clock skew allowance).
    private static final String VISIBLE = " AND d.event_id < :horizon";

    /**
     * The query of due deliveries of {@code :sink} at {@code :now}, at most {@code :limit}: whole
     * deliveries when it {@link #claims()}, else their ids only.
     */
    abstract String dueQuery(boolean ordered);

    /**
     * Whether {@link #dueQuery} claims what it returns, so that it never returns a delivery in flight: a
     * store shared by replicas. An ordered due query then also takes {@code :horizon}, the first event id
     * that may not yet be visible.
     */
    abstract boolean claims();

    /**
     * Whole due deliveries in one read, for the dialects whose due query returns ids, when the worker has
     * nothing in flight to leave out.
     */
    String dueDeliveriesQuery(boolean ordered) {
        throw new UnsupportedOperationException("The due query of " + this + " returns whole deliveries");
    }

    /** Whole deliveries by id, for the dialects whose due query returns ids. */
    static final String DELIVERIES_BY_ID = SELECT
            + " FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id WHERE d.id IN (:ids) ORDER BY d.id";

    /** Runs at the start of each group-commit transaction. */
    abstract void beginBatch(Connection connection) throws SQLException;

    /**
     * Starts a read-then-write transaction (admin actions, retention) so that it can write what it read.
     * SQLite answers SQLITE_BUSY at once to a read transaction that wants to write after another connection
     * committed, so there it starts with a write and waits for the lock instead.
     */
    abstract void lockForWrite(JdbcClient jdbc);

    static InboxDialect of(DataSource dataSource) {
        try {
            String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
            if ("PostgreSQL".equalsIgnoreCase(product)) {
                return POSTGRESQL;
            }
            if ("SQLite".equalsIgnoreCase(product)) {
                return SQLITE;
            }
            throw new IllegalStateException("Unsupported inbox database: " + product + " (SQLite or PostgreSQL)");
        }
        catch (MetaDataAccessException ex) {
            throw new IllegalStateException("Cannot tell which database the inbox is on", ex);
        }
    }
}
