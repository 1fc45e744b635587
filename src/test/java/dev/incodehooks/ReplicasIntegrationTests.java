package dev.incodehooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.incodehooks.TestConsumer.Received;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas, separate JVMs on distinct ports, share one real PostgreSQL. Clients send to both; one
 * replica is killed with SIGKILL mid-stream and its clients move to the other (as a load balancer
 * would). Every acknowledged event is stored once and delivered; while both replicas were up, no event
 * was delivered twice (claims are exclusive); the dead replica's claims are taken over when their lease
 * expires. A consumer slower than most of the timeout never gets one attempt from both replicas, and an
 * ordered sink gets each interview in order of receipt whichever replica received and committed first.
 */
class ReplicasIntegrationTests {

    private static final int EVENTS = 2000;

    private static final int KILL_AFTER = 700;

    private static final Duration BOUND = Duration.ofMinutes(3);

    private static final int SLOW_EVENTS = 100;

    /** Two threads per replica, each attempt taking 700 ms of the 1 s timeout. */
    private static final String[] SLOW_SINK = { "--webhooks.broadcast.sinks.consumer.concurrency=2" };

    private static final int ORDERED_INTERVIEWS = 40;

    private static final List<String> STATUSES = List.of("ID_VALIDATION_FINISHED", "FACE_VALIDATION_FINISHED",
            "ONBOARDING_FINISHED", "MANUAL_REVIEW_REJECTED", "MANUAL_REVIEW_APPROVED");

    /**
     * A commit deadline long enough for one replica's commit to be held back on purpose, well after the
     * other replica committed a later event.
     */
    private static final String[] ORDERED_SINK = { "--webhooks.broadcast.sinks.consumer.ordered=true",
            "--webhooks.inbox.commit-deadline=6s" };

    /** How long the earlier event's commit is held back after the later one committed. */
    private static final Duration HELD_BACK = Duration.ofSeconds(2);

    @Test
    void replicasShareTheWorkAndLoseNothingWhenOneDies() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        Path logs = TestStore.newSqliteFile().getParent();
        try (TestConsumer consumer = TestConsumer.healthy();
                ServiceProcess a = ServiceProcess.start(logs.resolve("replica-a.log"), url, consumer.url());
                ServiceProcess b = ServiceProcess.start(logs.resolve("replica-b.log"), url, consumer.url())) {
            IncodeLoad load = IncodeLoad.start(EVENTS, 4,
                    (client) -> (client % 2 == 0) ? List.of(a.port(), b.port()) : List.of(b.port(), a.port()), BOUND);
            Eventually.until(KILL_AFTER + " acknowledged", () -> load.acknowledged().size() >= KILL_AFTER);
            List<Received> whileBothUp = consumer.all();
            a.kill();
            load.await(BOUND);
            StreamOutcome outcome = StreamOutcome.of(EVENTS, load, consumer, url);
            // A retry after a slow answer is legitimate; the same attempt twice is not.
            List<String> attemptsWhileBothUp = whileBothUp.stream().map((one) -> one.webhookId() + "#" + one.attempt()).toList();
            outcome.assertNothingLost("replicas test (requests while both up: " + whileBothUp.size() + ")");
            assertThat(attemptsWhileBothUp).doesNotHaveDuplicates();
        }
    }

    /**
     * A consumer that takes most of the sink's timeout, and many times more pending deliveries than the
     * sink's threads: each replica claims only what it starts at once, so no claim expires before its
     * attempt and no delivery is attempted by both replicas.
     */
    @Test
    void aSlowConsumerNeverGetsTheSameAttemptFromBothReplicas() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        Path logs = TestStore.newSqliteFile().getParent();
        try (TestConsumer consumer = TestConsumer.started((request) -> TestConsumer.after(Duration.ofMillis(700), 200));
                ServiceProcess a = ServiceProcess.start(logs.resolve("slow-a.log"), url, consumer.url(), SLOW_SINK);
                ServiceProcess b = ServiceProcess.start(logs.resolve("slow-b.log"), url, consumer.url(), SLOW_SINK)) {
            IncodeLoad load = IncodeLoad.start(SLOW_EVENTS, 4,
                    (client) -> (client % 2 == 0) ? List.of(a.port(), b.port()) : List.of(b.port(), a.port()), BOUND);
            load.await(BOUND);
            Set<String> delivered = StreamOutcome.awaitDelivered(consumer, load.acknowledged());
            List<String> attempts = consumer.all().stream().map((one) -> one.webhookId() + "#" + one.attempt()).toList();
            long repeated = attempts.size() - new HashSet<>(attempts).size();
            long retried = consumer.all().stream().filter((one) -> one.attempt() > 1).count();
            System.out.printf("slow consumer test: sent=%d acknowledged=%d delivered=%d requests=%d "
                    + "same attempt twice=%d retries=%d%n", SLOW_EVENTS, load.acknowledged().size(), delivered.size(),
                    attempts.size(), repeated, retried);
            assertThat(load.acknowledged()).hasSize(SLOW_EVENTS);
            assertThat(delivered).containsAll(load.acknowledged());
            assertThat(repeated).isZero();
        }
    }

    /**
     * One interview's statuses sent alternately to each replica, a few milliseconds apart without waiting
     * for the answers: the ordered sink gets them in order of receipt (their ids), whichever replica
     * committed first.
     */
    @Test
    void anOrderedSinkGetsEachInterviewInOrderOfReceiptAcrossReplicas() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        Path logs = TestStore.newSqliteFile().getParent();
        try (TestConsumer consumer = TestConsumer.healthy();
                ServiceProcess a = ServiceProcess.start(logs.resolve("order-a.log"), url, consumer.url(), ORDERED_SINK);
                ServiceProcess b = ServiceProcess.start(logs.resolve("order-b.log"), url, consumer.url(), ORDERED_SINK)) {
            HttpClient http = HttpClient.newHttpClient();
            anEarlierEventCommittedLaterStillGoesFirst(http, url, a, b, consumer);
            List<String> interviews = new ArrayList<>();
            List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
            for (int i = 0; i < ORDERED_INTERVIEWS; i++) {
                String interviewId = IncodePayloads.interviewId();
                interviews.add(interviewId);
                for (int s = 0; s < STATUSES.size(); s++) {
                    int port = (s % 2 == 0) ? a.port() : b.port();
                    HttpRequest request = onboarding(port, interviewId, STATUSES.get(s));
                    // A pooled connection closed as it was reused fails with "no bytes": send again, as Incode would.
                    answers.add(http.sendAsync(request, BodyHandlers.discarding())
                        .exceptionallyCompose((failure) -> http.sendAsync(request, BodyHandlers.discarding())));
                    Thread.sleep(1);
                }
            }
            for (CompletableFuture<HttpResponse<Void>> answer : answers) {
                assertThat(answer.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            // Counted by interview: the consumer also holds the two statuses of the held-back commit above.
            Eventually.until("every status delivered", () -> consumer.accepted().stream()
                .filter((one) -> interviews.stream().anyMatch(one.bodyText()::contains))
                .count() >= ORDERED_INTERVIEWS * STATUSES.size());
            int outOfOrder = 0;
            for (String interviewId : interviews) {
                List<String> ids = consumer.accepted().stream()
                    .filter((one) -> one.bodyText().contains(interviewId))
                    .map(Received::webhookId)
                    .toList();
                assertThat(ids).hasSize(STATUSES.size());
                if (!ids.equals(ids.stream().sorted().toList())) {
                    outOfOrder++;
                }
            }
            System.out.printf("replicas order test: interviews=%d statuses each=%d out of receipt order=%d%n",
                    ORDERED_INTERVIEWS, STATUSES.size(), outOfOrder);
            assertThat(outOfOrder).isZero();
        }
    }

    /**
     * Replica A receives an interview's first status, but its commit is held back (the test holds the
     * event's dedup key in a transaction of its own, so A's insert waits for it). Replica B then receives
     * and commits the second status. The second must not go out before the first: once A's commit lands,
     * well within its deadline, the sink gets the first, then the second.
     */
    private static void anEarlierEventCommittedLaterStillGoesFirst(HttpClient http, String url, ServiceProcess a,
            ServiceProcess b, TestConsumer consumer) throws Exception {
        String interviewId = IncodePayloads.interviewId();
        byte[] first = IncodePayloads.onboarding(interviewId, STATUSES.get(0));
        try (Connection holder = DriverManager.getConnection(url);
                Connection watcher = DriverManager.getConnection(url)) {
            holder.setAutoCommit(false);
            try (PreparedStatement hold = holder.prepareStatement(
                    "INSERT INTO webhook_dedup (interview_id, type, body_hash, event_id, received_at) VALUES (?, ?, ?, ?, ?)")) {
                hold.setString(1, interviewId);
                hold.setString(2, "onboarding-status");
                hold.setBytes(3, MessageDigest.getInstance("SHA-256").digest(first));
                hold.setString(4, "held-by-the-test");
                hold.setLong(5, System.currentTimeMillis());
                hold.executeUpdate();
            }
            CompletableFuture<HttpResponse<Void>> earlier = http.sendAsync(
                    request(a.port(), first), BodyHandlers.discarding());
            Eventually.until("replica A's insert waiting for the held key", () -> waitingForALock(watcher));
            HttpResponse<Void> later = http.send(onboarding(b.port(), interviewId, STATUSES.get(1)),
                    BodyHandlers.discarding());
            assertThat(later.statusCode()).isEqualTo(200);
            // Long enough for B's event to reach the consumer if nothing held it back.
            Thread.sleep(HELD_BACK.toMillis());
            assertThat(earlier).isNotDone();
            holder.rollback();
            assertThat(earlier.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        Eventually.until("both statuses delivered", () -> consumer.accepted().stream()
            .filter((one) -> one.bodyText().contains(interviewId)).count() == 2);
        List<String> statuses = consumer.accepted().stream()
            .filter((one) -> one.bodyText().contains(interviewId))
            .map((one) -> STATUSES.stream().filter(one.bodyText()::contains).findFirst().orElseThrow())
            .toList();
        assertThat(statuses).containsExactly(STATUSES.get(0), STATUSES.get(1));
    }

    private static boolean waitingForALock(Connection watcher) {
        try (ResultSet rows = watcher.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            return rows.next() && rows.getInt(1) > 0;
        }
        catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static HttpRequest onboarding(int port, String interviewId, String status) {
        return request(port, IncodePayloads.onboarding(interviewId, status));
    }

    private static HttpRequest request(int port, byte[] body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/incode/onboarding-status"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(BodyPublishers.ofByteArray(body))
            .build();
    }
}
