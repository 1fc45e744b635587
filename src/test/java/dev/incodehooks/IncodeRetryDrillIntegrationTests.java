package dev.incodehooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.incodehooks.simulator.IncodeSimulator;
import dev.incodehooks.simulator.Notification;
import dev.incodehooks.simulator.Scenario;
import dev.incodehooks.simulator.SimulationSummary;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry drill: the Incode simulator, on Incode's retry schedule compressed 30 times (32 minutes in 64 s),
 * sends 500 onboarding notifications to the service running as a separate JVM on a real SQLite file, while the
 * service goes away and comes back. Whatever happens in between, Incode's retries must get everything in:
 * nothing given up, every notification delivered to the HTTP consumer as exactly one event (a retry of a stored
 * notification is recognised by the dedup key, not stored again), and the simulator's counts agree with the
 * service's metrics and store.
 */
class IncodeRetryDrillIntegrationTests {

    private static final String SECRET = "drill-secret";

    private static final String HEADER = "--webhooks.security.required-headers[X-Incode-Secret]=" + SECRET;

    /**
     * The production default, well below the simulator's timeout: a commit that stalls is answered 503, never
     * stored after the simulator gave up on its try (which would count it twice).
     */
    private static final String DEADLINE = "--webhooks.inbox.commit-deadline=2s";

    private static final int INTERVIEWS = 100;

    private static final Pattern INTAKE = Pattern
        .compile("^webhooks_intake_requests_total\\{([^}]*)} ([0-9.E+]+)$", Pattern.MULTILINE);

    private final HttpClient http = HttpClient.newHttpClient();

    /** Stopped (SIGTERM) in the middle of the stream, started again a few seconds later: a window of refusals. */
    @Test
    void aServiceStoppedForAWhileLosesNothingIncodeRetries() throws Exception {
        Path database = TestStore.newSqliteFile();
        String url = "jdbc:sqlite:" + database + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000";
        try (TestConsumer consumer = TestConsumer.healthy();
                ServiceProcess first = ServiceProcess.start(database.resolveSibling("drill-first.log"), url,
                        consumer.url(), HEADER, DEADLINE)) {
            IncodeSimulator incode = simulator(first.port());
            CompletableFuture<SimulationSummary> run = runInBackground(incode);
            Eventually.until("150 answered", () -> incode.tries().size() >= 150);
            first.stop();
            Instant restart = Instant.now();
            try (ServiceProcess second = ServiceProcess.start(database.resolveSibling("drill-second.log"), url,
                    consumer.url(), first.port(), first.managementPort(), HEADER, DEADLINE)) {
                SimulationSummary summary = run.get(3, TimeUnit.MINUTES);
                System.out.println("retry drill, stopped service: " + summary.json());
                assertThat(summary.answers()).as("refused while the service was away")
                    .containsKey("refused");
                assertEverythingInOnce(incode, summary, consumer);
                assertCountsAgree(incode, restart, second, url);
            }
        }
    }

    /**
     * The answers of stored notifications are lost on the way back (the service stored and answered, the
     * simulator never heard it), then the service is killed with SIGKILL and started again: Incode retries
     * what it thinks failed, and the service recognises those retries as duplicates of stored events.
     */
    @Test
    void answersLostToAKilledServiceAreRetriedAndRecognisedAsDuplicates() throws Exception {
        Path database = TestStore.newSqliteFile();
        String url = "jdbc:sqlite:" + database + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000";
        try (TestConsumer consumer = TestConsumer.healthy();
                ServiceProcess first = ServiceProcess.start(database.resolveSibling("drill-kill-first.log"), url,
                        consumer.url(), HEADER, DEADLINE);
                TcpProxy network = new TcpProxy(first.port())) {
            network.start();
            IncodeSimulator incode = simulator(network.port());
            CompletableFuture<SimulationSummary> run = runInBackground(incode);
            Eventually.until("150 answered", () -> incode.tries().size() >= 150);
            double storedBefore = intake(first, "accepted");
            network.dropAnswers(true);
            Eventually.until("30 more stored, their answers lost", () -> {
                try {
                    return intake(first, "accepted") >= storedBefore + 30;
                }
                catch (Exception ex) {
                    return false;
                }
            });
            first.kill();
            network.dropAnswers(false);
            Instant restart = Instant.now();
            try (ServiceProcess second = ServiceProcess.start(database.resolveSibling("drill-kill-second.log"), url,
                    consumer.url(), first.port(), first.managementPort(), HEADER, DEADLINE)) {
                SimulationSummary summary = run.get(3, TimeUnit.MINUTES);
                System.out.println("retry drill, lost answers and SIGKILL: " + summary.json());
                assertThat(summary.answers()).as("tries whose answers never came")
                    .satisfiesAnyOf((answers) -> assertThat(answers).containsKey("timeout"),
                            (answers) -> assertThat(answers).containsKey("connection closed"));
                assertThat(intake(second, "duplicate")).as("retries of stored notifications, recognised")
                    .isGreaterThanOrEqualTo(1);
                assertEverythingInOnce(incode, summary, consumer);
                assertCountsAgree(incode, restart, second, url);
            }
        }
    }

    private static IncodeSimulator simulator(int port) {
        return IncodeSimulator.to(URI.create("http://127.0.0.1:" + port))
            .header("X-Incode-Secret", SECRET)
            .scenario(Scenario.ONBOARDING, INTERVIEWS)
            .rate(100)
            // Incode's 32 minutes in 64 s: a restart that takes 20 s on a loaded machine is still well within it.
            .timeScale(30)
            // Generous: a try the service stores but answers late would count as stored and failed.
            .timeout(Duration.ofSeconds(5))
            .build();
    }

    /**
     * On a thread of its own: a run blocks its thread, and on the common fork-join pool (one thread on two cores)
     * it starved the JDK's HTTP client, which completes some of its work there on Java 25.
     */
    private static CompletableFuture<SimulationSummary> runInBackground(IncodeSimulator incode) {
        CompletableFuture<SimulationSummary> summary = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                summary.complete(incode.run());
            }
            catch (InterruptedException ex) {
                summary.completeExceptionally(ex);
            }
            catch (RuntimeException | Error ex) {
                summary.completeExceptionally(ex);
            }
        }, "drill-simulator");
        thread.setDaemon(true);
        thread.start();
        return summary;
    }

    /** Nothing given up; each notification delivered to the consumer as one event (one X-Webhook-Id). */
    private static void assertEverythingInOnce(IncodeSimulator incode, SimulationSummary summary, TestConsumer consumer)
            throws InterruptedException {
        List<Notification> notifications = incode.notifications();
        assertThat(notifications).hasSize(500);
        assertThat(summary.sent()).isEqualTo(500);
        assertThat(summary.givenUp()).as("given up").isZero();
        assertThat(summary.succeeded()).isEqualTo(500);
        assertThat(summary.retried()).as("retried").isPositive();
        Set<String> bodies = new HashSet<>();
        notifications.forEach((n) -> bodies.add(n.body()));
        Eventually.until("all 500 delivered", () -> {
            Set<String> delivered = new HashSet<>();
            consumer.all().forEach((request) -> delivered.add(request.bodyText()));
            return delivered.containsAll(bodies);
        });
        Map<String, Set<String>> eventsPerNotification = new HashMap<>();
        consumer.all()
            .forEach((request) -> eventsPerNotification.computeIfAbsent(request.bodyText(), (body) -> new HashSet<>())
                .add(request.webhookId()));
        assertThat(eventsPerNotification.keySet()).as("nothing but what was sent").isEqualTo(bodies);
        assertThat(eventsPerNotification.values()).as("one event per notification, however often Incode sent it")
            .allSatisfy((ids) -> assertThat(ids).hasSize(1));
    }

    /**
     * The service that took over counted, as accepted, exactly the events it stored, and as accepted or duplicate
     * exactly the tries the simulator saw succeed after the restart began (nothing else could reach it).
     */
    private void assertCountsAgree(IncodeSimulator incode, Instant restart, ServiceProcess second, String url)
            throws Exception {
        long succeededAfterRestart = incode.tries()
            .stream()
            .filter((t) -> t.success() && t.started().isAfter(restart))
            .count();
        assertThat(intake(second, "accepted")).as("accepted by the second service, stored by it")
            .isEqualTo(storedSince(url, restart));
        assertThat(intake(second, "accepted") + intake(second, "duplicate"))
            .as("answered 200 by the second service, succeeded for the simulator")
            .isEqualTo(succeededAfterRestart);
        assertThat(storedSince(url, Instant.EPOCH)).as("stored in all").isEqualTo(500);
    }

    private double intake(ServiceProcess service, String outcome) throws Exception {
        String metrics = this.http.send(HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + service.managementPort() + "/actuator/prometheus"))
            .build(), BodyHandlers.ofString()).body();
        double sum = 0;
        Matcher line = INTAKE.matcher(metrics);
        while (line.find()) {
            if (line.group(1).contains("outcome=\"" + outcome + "\"")) {
                sum += Double.parseDouble(line.group(2));
            }
        }
        return sum;
    }

    private static long storedSince(String url, Instant since) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement query = connection
                    .prepareStatement("SELECT count(*) FROM webhook_event WHERE received_at >= ?")) {
            query.setLong(1, since.toEpochMilli());
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
