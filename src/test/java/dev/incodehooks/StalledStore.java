package dev.incodehooks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * Holds the lock the inbox writer needs, from another connection, until closed: the writer waits, as on a
 * stalled disk or a busy database. SQLite: its write lock (the writer waits out its busy timeout);
 * PostgreSQL: the event and heartbeat tables.
 */
public final class StalledStore implements AutoCloseable {

    private final Connection blocker;

    private StalledStore(Connection blocker) {
        this.blocker = blocker;
    }

    public static StalledStore hold(DataSource dataSource) throws SQLException {
        Connection blocker = dataSource.getConnection();
        blocker.setAutoCommit(false);
        try (Statement statement = blocker.createStatement()) {
            statement.execute(blocker.getMetaData().getDatabaseProductName().equals("PostgreSQL")
                    ? "LOCK TABLE webhook_event, inbox_heartbeat IN EXCLUSIVE MODE"
                    : "UPDATE inbox_heartbeat SET checked_at = checked_at WHERE id = 1");
        }
        return new StalledStore(blocker);
    }

    /** Lets the writer go on. */
    @Override
    public void close() throws SQLException {
        try {
            this.blocker.rollback();
        }
        finally {
            this.blocker.close();
        }
    }
}
