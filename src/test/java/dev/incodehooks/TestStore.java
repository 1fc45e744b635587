package dev.incodehooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fresh SQLite database file per test class, with the production pragmas.
 */
public final class TestStore {

    private TestStore() {
    }

    /** A JDBC URL of a new, empty database file in a new temporary folder. */
    public static String newSqliteUrl() {
        return "jdbc:sqlite:" + newSqliteFile() + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000";
    }

    public static Path newSqliteFile() {
        try {
            Path stores = Files.createDirectories(Path.of("target", "test-stores"));
            return Files.createTempDirectory(stores, "store").resolve("webhooks.db").toAbsolutePath();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
