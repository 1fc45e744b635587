package dev.incodehooks.broadcast;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodeLoad;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.TestConsumer;
import dev.incodehooks.TestConsumer.Received;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An ordered sink gets each interview's events in the order they were received, also when several
 * statuses of one interview arrive a few milliseconds apart and land in one group commit: background load
 * keeps the batches large, and each interview's statuses are sent without waiting for the answers.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.broadcast.sinks.ordered.type=http", "webhooks.broadcast.sinks.ordered.ordered=true",
                "webhooks.broadcast.sinks.ordered.types=onboarding-status" })
class OrderOfReceiptIntegrationTests {

    private static final int INTERVIEWS = 150;

    private static final List<String> STATUSES = List.of("ID_VALIDATION_FINISHED", "FACE_VALIDATION_FINISHED",
            "ONBOARDING_FINISHED", "MANUAL_REVIEW_REJECTED", "MANUAL_REVIEW_APPROVED");

    static final TestConsumer consumer = TestConsumer.healthy();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void sinks(DynamicPropertyRegistry registry) {
        registry.add("webhooks.broadcast.sinks.ordered.url", consumer::url);
    }

    @AfterAll
    static void close() {
        consumer.close();
    }

    @Test
    void deliversEachInterviewsStatusesInOrderOfReceiptWhenTheyShareACommit() throws Exception {
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> background = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Thread thread = new Thread(() -> {
                IncodeClient incode = IncodeClient.to(this.port);
                // Bounded: the test stops it, and it stops by itself after 2,000 requests.
                for (int n = 0; n < 2000 && loading.get(); n++) {
                    incode.send("ine-scraping", IncodePayloads.ineScraping(IncodePayloads.interviewId(), "FINISHED"));
                }
            });
            thread.start();
            background.add(thread);
        }
        HttpClient http = HttpClient.newHttpClient();
        List<String> interviews = new ArrayList<>();
        for (int i = 0; i < INTERVIEWS; i++) {
            interviews.add(IncodePayloads.interviewId());
        }
        List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
        Thread.sleep(300);
        for (String status : STATUSES) {
            for (String interviewId : interviews) {
                HttpRequest request = request(IncodePayloads.onboarding(interviewId, status));
                // A pooled connection the server closed just as it was reused fails with "no bytes": send again,
                // as Incode would (the event keeps its place in receipt order; a stored first try is a duplicate).
                answers.add(http.sendAsync(request, BodyHandlers.discarding())
                    .exceptionallyCompose((failure) -> http.sendAsync(request, BodyHandlers.discarding())));
            }
            Thread.sleep(2);
        }
        for (CompletableFuture<HttpResponse<Void>> answer : answers) {
            assertThat(answer.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        loading.set(false);
        for (Thread thread : background) {
            thread.join(60_000);
        }

        Map<String, List<Received>> byInterview = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            byInterview.clear();
            for (Received received : consumer.all()) {
                byInterview.computeIfAbsent(IncodeLoad.interviewId(received.bodyText()), (id) -> new ArrayList<>())
                    .add(received);
            }
            if (interviews.stream()
                .allMatch((id) -> byInterview.getOrDefault(id, List.of()).size() >= STATUSES.size())) {
                break;
            }
            Thread.sleep(100);
        }
        int outOfOrder = 0;
        int timeGoesBack = 0;
        int notAsSent = 0;
        for (String interviewId : interviews) {
            List<Received> received = byInterview.getOrDefault(interviewId, List.of());
            List<String> ids = received.stream().map(Received::webhookId).toList();
            if (!ids.equals(ids.stream().sorted().toList())) {
                outOfOrder++;
            }
            List<Instant> times = received.stream().map((one) -> Instant.parse(one.receivedAt())).toList();
            if (!times.equals(times.stream().sorted().toList())) {
                timeGoesBack++;
            }
            List<String> statuses = received.stream()
                .map((one) -> STATUSES.stream().filter(one.bodyText()::contains).findFirst().orElseThrow())
                .toList();
            if (!statuses.equals(STATUSES)) {
                notAsSent++;
            }
        }
        System.out.printf("order test: interviews=%d statuses each=%d delivered=%d out of receipt order=%d "
                + "received-at going back=%d not in the order sent=%d%n", INTERVIEWS, STATUSES.size(),
                consumer.all().size(), outOfOrder, timeGoesBack, notAsSent);
        assertThat(interviews).allSatisfy((id) -> assertThat(byInterview.get(id)).hasSize(STATUSES.size()));
        assertThat(outOfOrder).isZero();
        assertThat(timeGoesBack).isZero();
    }

    private HttpRequest request(byte[] body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/incode/onboarding-status"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(BodyPublishers.ofByteArray(body))
            .build();
    }
}
