package dev.incodehooks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promise of the product: once Incode has its {@code 200}, the event survives {@code kill -9} and is
 * delivered. The service runs as a separate JVM on a real SQLite file; several clients play Incode; the
 * service is killed with SIGKILL in the middle of the stream and started again on the same file. Every
 * acknowledged event must be stored once and delivered to a real HTTP consumer.
 */
class CrashRecoveryIntegrationTests {

    private static final int EVENTS = 3000;

    private static final int KILL_AFTER = 1000;

    private static final Duration BOUND = Duration.ofMinutes(3);

    private static final int SHUTDOWN_EVENTS = 1500;

    private static final int KILLS = 10;

    private static final int KILL_LOOP_EVENTS = 2000;

    private static final Duration KILL_LOOP_BOUND = Duration.ofMinutes(5);

    @Test
    void everyAcknowledgedEventSurvivesKillNineAndIsDelivered() throws Exception {
        Path database = TestStore.newSqliteFile();
        String url = "jdbc:sqlite:" + database + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000";
        try (TestConsumer consumer = TestConsumer.healthy();
                ServiceProcess first = ServiceProcess.start(database.resolveSibling("first.log"), url,
                        consumer.url())) {
            IncodeLoad load = IncodeLoad.start(EVENTS, 4, (client) -> List.of(first.port()), BOUND);
            Eventually.until(KILL_AFTER + " acknowledged", () -> load.acknowledged().size() >= KILL_AFTER);
            first.kill();
            int acknowledgedBeforeKill = load.acknowledged().size();
            try (ServiceProcess second = ServiceProcess.start(database.resolveSibling("second.log"), url,
                    consumer.url(), first.port(), first.managementPort())) {
                load.await(BOUND);
                Set<String> delivered = awaitDelivered(consumer, load.acknowledged());
                second.stop();
                List<String> stored = storedInterviewIds(url);
                Set<String> lost = new HashSet<>(load.acknowledged());
                lost.removeAll(new HashSet<>(stored));
                Set<String> undelivered = new HashSet<>(load.acknowledged());
                undelivered.removeAll(delivered);
                System.out.printf("crash test: sent=%d acknowledged=%d (before kill: %d) stored=%d delivered=%d "
                        + "deliveries received=%d lost=%d undelivered=%d%n", EVENTS, load.acknowledged().size(),
                        acknowledgedBeforeKill, stored.size(), delivered.size(), consumer.all().size(), lost.size(),
                        undelivered.size());
                assertThat(load.acknowledged()).hasSize(EVENTS);
                assertThat(lost).isEmpty();
                assertThat(stored).doesNotHaveDuplicates();
                assertThat(undelivered).isEmpty();
            }
        }
    }

    /**
     * SIGTERM in the middle of the stream, with a consumer slow enough that attempts are in flight: the
     * requests under way are answered (and only what was stored is acknowledged), the attempts under way
     * finish, and after a restart every acknowledged event is delivered.
     */
    @Test
    void aGracefulShutdownMidStreamLosesNothing() throws Exception {
        Path database = TestStore.newSqliteFile();
        String url = "jdbc:sqlite:" + database + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000";
        try (TestConsumer consumer = TestConsumer.started((request) -> TestConsumer.after(Duration.ofMillis(200), 200));
                ServiceProcess first = ServiceProcess.start(database.resolveSibling("term-first.log"), url,
                        consumer.url())) {
            IncodeLoad load = IncodeLoad.start(SHUTDOWN_EVENTS, 8, (client) -> List.of(first.port()), BOUND);
            Eventually.until(SHUTDOWN_EVENTS / 3 + " acknowledged",
                    () -> load.acknowledged().size() >= SHUTDOWN_EVENTS / 3);
            first.terminate();
            int exit = first.awaitExit();
            int acknowledgedBeforeRestart = load.acknowledged().size();
            int requestsBeforeRestart = consumer.all().size();
            try (ServiceProcess second = ServiceProcess.start(database.resolveSibling("term-second.log"), url,
                    consumer.url(), first.port(), first.managementPort())) {
                load.await(BOUND);
                Set<String> delivered = awaitDelivered(consumer, load.acknowledged());
                second.stop();
                List<String> stored = storedInterviewIds(url);
                Set<String> lost = new HashSet<>(load.acknowledged());
                lost.removeAll(new HashSet<>(stored));
                Set<String> undelivered = new HashSet<>(load.acknowledged());
                undelivered.removeAll(delivered);
                System.out.printf("shutdown test: exit=%d sent=%d acknowledged=%d (before restart: %d) stored=%d "
                        + "delivered=%d deliveries received=%d (before restart: %d) lost=%d undelivered=%d%n", exit,
                        SHUTDOWN_EVENTS, load.acknowledged().size(), acknowledgedBeforeRestart, stored.size(),
                        delivered.size(), consumer.all().size(), requestsBeforeRestart, lost.size(), undelivered.size());
                assertThat(load.acknowledged()).hasSize(SHUTDOWN_EVENTS);
                assertThat(lost).isEmpty();
                assertThat(stored).doesNotHaveDuplicates();
                assertThat(undelivered).isEmpty();
            }
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
                Set<String> delivered = awaitDelivered(consumer, load.acknowledged());
                service.stop();
                List<String> stored = storedInterviewIds(url);
                Set<String> lost = new HashSet<>(load.acknowledged());
                lost.removeAll(new HashSet<>(stored));
                Set<String> undelivered = new HashSet<>(load.acknowledged());
                undelivered.removeAll(delivered);
                System.out.printf("kill loop test: kills=%d sent=%d acknowledged=%d stored=%d delivered=%d "
                        + "deliveries received=%d lost=%d undelivered=%d%n", KILLS, KILL_LOOP_EVENTS,
                        load.acknowledged().size(), stored.size(), delivered.size(), consumer.all().size(), lost.size(),
                        undelivered.size());
                assertThat(load.acknowledged()).hasSize(KILL_LOOP_EVENTS);
                assertThat(lost).isEmpty();
                assertThat(stored).doesNotHaveDuplicates();
                assertThat(undelivered).isEmpty();
            }
            finally {
                service.close();
            }
        }
    }

    /** Waits (bounded) until the consumer has every acknowledged event; returns what it has. */
    static Set<String> awaitDelivered(TestConsumer consumer, Set<String> acknowledged) throws InterruptedException {
        Set<String> delivered = new HashSet<>();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!delivered.containsAll(acknowledged) && System.nanoTime() < deadline) {
            consumer.all().forEach((request) -> delivered.add(IncodeLoad.interviewId(request.bodyText())));
            Thread.sleep(100);
        }
        return delivered;
    }

    static List<String> storedInterviewIds(String url) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url);
                ResultSet rows = connection.createStatement().executeQuery("SELECT interview_id FROM webhook_event")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
