package dev.incodehooks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promise of the product: once Incode has its {@code 200}, the event survives {@code kill -9} and is
 * delivered. The service runs as a separate JVM on a real SQLite file; several clients play Incode
 * (retrying what was not acknowledged, as Incode does); the service is killed with SIGKILL in the middle
 * of the stream and started again on the same file. Every acknowledged event must be stored once and
 * delivered to a real HTTP consumer.
 */
class CrashRecoveryIntegrationTests {

    private static final int EVENTS = 3000;

    private static final int CLIENTS = 4;

    private static final int KILL_AFTER = 1000;

    private static final Duration BOUND = Duration.ofMinutes(3);

    @Test
    void everyAcknowledgedEventSurvivesKillNineAndIsDelivered() throws Exception {
        Path database = TestStore.newSqliteFile();
        int port = freePort();
        int managementPort = freePort();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try (TestConsumer consumer = TestConsumer.healthy()) {
            Process first = launch(database, port, managementPort, consumer.url(), "first");
            Process second = null;
            try {
                awaitHealthy(managementPort, first);
                List<Thread> clients = new ArrayList<>();
                long deadline = System.nanoTime() + BOUND.toNanos();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    Thread thread = new Thread(() -> sendShare(client, port, acknowledged, deadline));
                    thread.start();
                    clients.add(thread);
                }
                Eventually.until(KILL_AFTER + " acknowledged", () -> acknowledged.size() >= KILL_AFTER);
                first.destroyForcibly();
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                int acknowledgedBeforeKill = acknowledged.size();
                second = launch(database, port, managementPort, consumer.url(), "second");
                awaitHealthy(managementPort, second);
                for (Thread thread : clients) {
                    thread.join(BOUND.toMillis());
                }
                Set<String> delivered = new HashSet<>();
                long deliveryDeadline = System.nanoTime() + BOUND.toNanos();
                while (!delivered.containsAll(acknowledged) && System.nanoTime() < deliveryDeadline) {
                    consumer.all().forEach((request) -> delivered.add(interviewId(request.bodyText())));
                    Thread.sleep(100);
                }
                second.destroy();
                assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
                List<String> stored = storedInterviewIds(database);
                Set<String> lost = new HashSet<>(acknowledged);
                lost.removeAll(new HashSet<>(stored));
                Set<String> undelivered = new HashSet<>(acknowledged);
                undelivered.removeAll(delivered);
                System.out.printf("crash test: sent=%d acknowledged=%d (before kill: %d) stored=%d delivered=%d "
                        + "deliveries received=%d lost=%d undelivered=%d%n", EVENTS, acknowledged.size(),
                        acknowledgedBeforeKill, stored.size(), delivered.size(), consumer.all().size(), lost.size(),
                        undelivered.size());
                assertThat(acknowledged).hasSize(EVENTS);
                assertThat(lost).isEmpty();
                assertThat(stored).doesNotHaveDuplicates();
                assertThat(undelivered).isEmpty();
            }
            finally {
                first.destroyForcibly();
                if (second != null) {
                    second.destroyForcibly();
                }
            }
        }
    }

    /** One client's share of the events, each retried until acknowledged, as Incode retries. */
    private static void sendShare(int client, int port, Set<String> acknowledged, long deadline) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = client; i < EVENTS; i += CLIENTS) {
            String interviewId = String.format("crash%019d", i);
            HttpRequest request = HttpRequest
                .newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/incode/onboarding-status"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(BodyPublishers.ofByteArray(IncodePayloads.onboarding(interviewId, "ONBOARDING_FINISHED")))
                .build();
            while (System.nanoTime() < deadline) {
                try {
                    if (http.send(request, BodyHandlers.discarding()).statusCode() == 200) {
                        acknowledged.add(interviewId);
                        break;
                    }
                }
                catch (IOException ex) {
                    // The service is down: try again, as Incode would.
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
                sleep(50);
            }
        }
    }

    private static Process launch(Path database, int port, int managementPort, String consumerUrl, String name)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), IncodeWebhookReceiverApplication.class.getName(),
                "--server.port=" + port, "--management.server.port=" + managementPort,
                "--spring.datasource.url=jdbc:sqlite:" + database
                        + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000",
                "--webhooks.security.allowed-sources=127.0.0.1/32", "--webhooks.broadcast.sinks.consumer.type=http",
                "--webhooks.broadcast.sinks.consumer.url=" + consumerUrl,
                "--webhooks.broadcast.sinks.consumer.retry.initial-interval=100ms",
                "--webhooks.broadcast.sinks.consumer.retry.max-interval=500ms",
                "--logging.level.dev.incodehooks=WARN");
        Path log = database.resolveSibling(name + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitHealthy(int managementPort, Process process) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(2))
            .build();
        Eventually.until("service up", () -> {
            assertThat(process.isAlive()).as("service process alive").isTrue();
            try {
                return http.send(health, BodyHandlers.discarding()).statusCode() == 200;
            }
            catch (IOException ex) {
                return false;
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    private static List<String> storedInterviewIds(Path database) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                ResultSet rows = connection.createStatement().executeQuery("SELECT interview_id FROM webhook_event")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    private static String interviewId(String body) {
        int start = body.indexOf("\"interviewId\":\"") + "\"interviewId\":\"".length();
        return body.substring(start, body.indexOf('"', start));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
