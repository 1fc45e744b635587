package dev.incodehooks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promise of the product: once Incode has its {@code 200}, the event survives {@code kill -9} and is
 * delivered. The service runs as a separate JVM on a real SQLite file; several clients play Incode; the
 * service is killed with SIGKILL ten times at random moments in the stream, each time started again on the
 * same file. Every acknowledged event must be stored once and delivered to a real HTTP consumer. A graceful
 * shutdown is tested on PostgreSQL, where claims and their leases exist.
 */
class CrashRecoveryIntegrationTests {

    private static final Duration BOUND = Duration.ofMinutes(3);

    private static final int SHUTDOWN_EVENTS = 1500;

    /** Longer than the shutdown waits for attempts under way ({@code SinkWorker.SHUTDOWN_GRACE}, 10 s). */
    private static final Duration HANG = Duration.ofSeconds(15);

    private static final String LONG_TIMEOUT = "--webhooks.broadcast.sinks.consumer.timeout=30s";

    private static final int KILLS = 10;

    private static final int KILL_LOOP_EVENTS = 2000;

    private static final Duration KILL_LOOP_BOUND = Duration.ofMinutes(10);

    /**
     * SIGTERM in the middle of the stream, on PostgreSQL (where a delivery is claimed with a lease), with
     * attempts in flight: most take 200 ms, every tenth first attempt (until the process has exited)
     * hangs longer than the shutdown waits.
     * The requests under way are answered (and only what was stored is acknowledged); the short attempts
     * finish and are not made again; the hanging ones are released, so the process leaves no claim behind
     * for a lease to end; after a restart every acknowledged event is delivered.
     */
    @Test
    void aGracefulShutdownMidStreamLosesNothingAndWastesNothing() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        Path logs = TestStore.newSqliteFile().getParent();
        AtomicInteger firstAttempts = new AtomicInteger();
        AtomicBoolean hanging = new AtomicBoolean(true);
        Set<String> hung = ConcurrentHashMap.newKeySet();
        try (TestConsumer consumer = TestConsumer.started((request) -> {
            if (hanging.get() && request.attempt() == 1 && firstAttempts.incrementAndGet() % 10 == 0) {
                hung.add(request.webhookId());
                return TestConsumer.after(HANG, 200);
            }
            return TestConsumer.after(Duration.ofMillis(200), 200);
        });
                ServiceProcess first = ServiceProcess.start(logs.resolve("term-first.log"), url, consumer.url(),
                        LONG_TIMEOUT)) {
            IncodeLoad load = IncodeLoad.start(SHUTDOWN_EVENTS, 8, (client) -> List.of(first.port()), BOUND);
            Eventually.until(SHUTDOWN_EVENTS / 3 + " acknowledged",
                    () -> load.acknowledged().size() >= SHUTDOWN_EVENTS / 3);
            first.terminate();
            int exit = first.awaitExit();
            hanging.set(false);
            int acknowledgedBeforeRestart = load.acknowledged().size();
            int requestsBeforeRestart = consumer.all().size();
            long claimedAfterExit = claimedDeliveries(url);
            try (ServiceProcess second = ServiceProcess.start(logs.resolve("term-second.log"), url,
                    consumer.url(), first.port(), first.managementPort(), LONG_TIMEOUT)) {
                load.await(BOUND);
                StreamOutcome outcome = StreamOutcome.of(SHUTDOWN_EVENTS, load, consumer, url);
                second.stop();
                outcome.assertNothingLost("shutdown test (exit " + exit + ", acknowledged before restart: "
                        + acknowledgedBeforeRestart + ", requests before restart: " + requestsBeforeRestart
                        + ", claims left at exit: " + claimedAfterExit + ")");
                assertThat(claimedAfterExit).isZero();
                // Only an attempt the shutdown cut short is made again, with the same number.
                assertThat(consumer.all().stream()
                    .filter((one) -> !hung.contains(one.webhookId()))
                    .map((one) -> one.webhookId() + "#" + one.attempt())
                    .toList()).doesNotHaveDuplicates();
            }
        }
    }

    /** Pending deliveries still claimed by a process. */
    private static long claimedDeliveries(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
                ResultSet rows = connection.createStatement()
                    .executeQuery("SELECT count(*) FROM webhook_delivery WHERE state = 'pending' AND lease_until IS NOT NULL")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Ten SIGKILLs at random moments under load, on one store, each followed by a restart: nothing
     * acknowledged is lost, nothing is stored twice, everything is delivered.
     */
    @Test
    void tenKillsAtRandomMomentsLoseNothing() throws Exception {
        Path database = TestStore.newSqliteFile();
        String url = "jdbc:sqlite:" + database + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000";
        Random random = new Random();
        try (TestConsumer consumer = TestConsumer.healthy()) {
            ServiceProcess service = ServiceProcess.start(database.resolveSibling("kill-0.log"), url, consumer.url());
            int port = service.port();
            int managementPort = service.managementPort();
            IncodeLoad load = IncodeLoad.start(KILL_LOOP_EVENTS, 4, (client) -> List.of(port), KILL_LOOP_BOUND);
            try {
                for (int kill = 1; kill <= KILLS; kill++) {
                    int target = Math.min(KILL_LOOP_EVENTS - 1,
                            load.acknowledged().size() + 20 + random.nextInt(KILL_LOOP_EVENTS / (2 * KILLS)));
                    Eventually.until(target + " acknowledged", () -> load.acknowledged().size() >= target);
                    Thread.sleep(random.nextInt(50));
                    service.kill();
                    service = ServiceProcess.start(database.resolveSibling("kill-" + kill + ".log"), url, consumer.url(),
                            port, managementPort);
                }
                load.await(KILL_LOOP_BOUND);
                StreamOutcome outcome = StreamOutcome.of(KILL_LOOP_EVENTS, load, consumer, url);
                service.stop();
                outcome.assertNothingLost("kill loop test (" + KILLS + " kills)");
            }
            finally {
                service.close();
            }
        }
    }
}
