package dev.incodehooks.inbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import dev.incodehooks.TestStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite runs on the store it says it runs on (the PostgreSQL execution fails if it fell back to
 * SQLite), and the durability settings hold on the live connections the writer uses: SQLite in WAL mode
 * with {@code synchronous=FULL}, PostgreSQL with {@code synchronous_commit=on} inside a batch whatever the
 * session said before.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class StoreSettingsIntegrationTests {

    @Autowired
    DataSource dataSource;

    @Autowired
    InboxDialect dialect;

    @Test
    void runsOnTheStoreThisExecutionIsFor() throws Exception {
        boolean postgresql = "postgresql".equals(System.getProperty("test.store"));
        try (Connection connection = this.dataSource.getConnection()) {
            assertThat(connection.getMetaData().getURL()).startsWith(postgresql ? "jdbc:postgresql:" : "jdbc:sqlite:");
            assertThat(this.dialect).isEqualTo(postgresql ? InboxDialect.POSTGRESQL : InboxDialect.SQLITE);
            if (postgresql) {
                assertThat(query(connection, "SELECT version()")).startsWith("PostgreSQL");
            }
            else {
                assertThat(query(connection, "SELECT sqlite_version()")).matches("3\\.\\d+\\.\\d+");
            }
        }
    }

    @Test
    void commitsDurablyOnTheLiveConnections() throws Exception {
        try (Connection connection = this.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            if (this.dialect == InboxDialect.POSTGRESQL) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET synchronous_commit = off");
                }
                this.dialect.beginBatch(connection);
                assertThat(query(connection, "SHOW synchronous_commit")).isEqualTo("on");
            }
            else {
                assertThat(query(connection, "PRAGMA journal_mode")).isEqualTo("wal");
                assertThat(query(connection, "PRAGMA synchronous")).as("FULL").isEqualTo("2");
            }
            connection.rollback();
        }
    }

    /** FULL is also SQLite's default: reading 2 proves the setting only if another value reads otherwise. */
    @Test
    void readsAnotherSynchronousSettingAsSuch() throws Exception {
        String url = "jdbc:sqlite:" + TestStore.newSqliteFile() + "?journal_mode=WAL&synchronous=NORMAL";
        try (Connection connection = DriverManager.getConnection(url)) {
            assertThat(query(connection, "PRAGMA synchronous")).as("NORMAL").isEqualTo("1");
        }
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
