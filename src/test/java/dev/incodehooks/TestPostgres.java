package dev.incodehooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server for the tests, started once per test JVM from Maven artifacts (no Docker, no
 * installed server), with a new database for every caller.
 */
public final class TestPostgres {

    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    /** The shared test server's port. */
    public static synchronized int port() {
        return server().getPort();
    }

    /** A JDBC URL of a new, empty database on the shared test server. */
    public static synchronized String newDatabaseUrl() {
        EmbeddedPostgres postgres = server();
        String name = "inbox_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        catch (SQLException ex) {
            throw new IllegalStateException("Cannot create test database", ex);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    private static EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                }
                catch (IOException ex) {
                    // The JVM is exiting.
                }
            }));
        }
        return server;
    }
}
