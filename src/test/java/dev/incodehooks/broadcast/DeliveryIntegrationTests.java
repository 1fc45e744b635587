package dev.incodehooks.broadcast;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.incodehooks.TestUsers;
import dev.incodehooks.Eventually;
import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.TestConsumer;
import dev.incodehooks.TestConsumer.Received;
import dev.incodehooks.inbox.InboxAdmin;
import dev.incodehooks.inbox.InboxAdmin.DeliveryView;
import dev.incodehooks.inbox.InboxAdmin.EventView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery to real HTTP consumers on 127.0.0.1, each sink on its own: one fails its first attempts,
 * one is down and comes back, one hangs past the timeout, one never succeeds (dead, then replayed),
 * one is healthy, one is ordered, two filter.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", TestUsers.OPERATOR, TestUsers.OPERATOR_ROLE, "webhooks.security.allowed-sources=127.0.0.1/32" })
class DeliveryIntegrationTests {

    static final TestConsumer healthy = TestConsumer.healthy();

    /** Fails the first two attempts of every event. */
    static final TestConsumer flaky = TestConsumer.started((request) -> (request.attempt() <= 2) ? 503 : 200);

    static final TestConsumer late = TestConsumer.down();

    static final CountDownLatch unhang = new CountDownLatch(1);

    static final AtomicInteger hanging = new AtomicInteger();

    /** Hangs on the first attempt of every event, far past the sink's timeout. */
    static final TestConsumer slow = TestConsumer.started(TestConsumer.hangingOnFirstAttempt(unhang, hanging));

    static final TestConsumer doomed = TestConsumer.started((request) -> 500);

    static final Map<String, Boolean> gates = new ConcurrentHashMap<>();

    /** Fails an event while the gate named by its interview id and status is closed. */
    static final TestConsumer ordered = TestConsumer.started(
            (request) -> gates.getOrDefault(request.bodyText(), Boolean.TRUE) ? 200 : 503);

    static final TestConsumer finished = TestConsumer.healthy();

    static final TestConsumer ine = TestConsumer.healthy();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    InboxAdmin admin;

    @Autowired
    MeterRegistry registry;

    @DynamicPropertySource
    static void sinks(DynamicPropertyRegistry registry) {
        http(registry, "healthy", healthy, "30s", 20);
        registry.add("webhooks.broadcast.sinks.healthy.headers.Authorization", () -> "Bearer internal-token");
        http(registry, "flaky", flaky, "30s", 20);
        http(registry, "late", late, "30s", 10_000);
        http(registry, "slow", slow, "300ms", 20);
        http(registry, "doomed", doomed, "30s", 3);
        http(registry, "ordered", ordered, "30s", 10_000);
        registry.add("webhooks.broadcast.sinks.ordered.ordered", () -> "true");
        http(registry, "finished", finished, "30s", 20);
        registry.add("webhooks.broadcast.sinks.finished.types", () -> "onboarding-status");
        registry.add("webhooks.broadcast.sinks.finished.statuses", () -> "ONBOARDING_FINISHED,MANUAL_REVIEW_APPROVED");
        http(registry, "ine", ine, "30s", 20);
        registry.add("webhooks.broadcast.sinks.ine.types", () -> "ine-scraping");
    }

    private static void http(DynamicPropertyRegistry registry, String name, TestConsumer consumer, String timeout,
            int maxAttempts) {
        String prefix = "webhooks.broadcast.sinks." + name + ".";
        registry.add(prefix + "type", () -> "http");
        registry.add(prefix + "url", consumer::url);
        registry.add(prefix + "timeout", () -> timeout);
        registry.add(prefix + "retry.initial-interval", () -> "50ms");
        registry.add(prefix + "retry.multiplier", () -> "1.5");
        registry.add(prefix + "retry.max-interval", () -> "200ms");
        registry.add(prefix + "retry.max-attempts", () -> maxAttempts);
    }

    @AfterAll
    static void stopConsumers() {
        unhang.countDown();
        List.of(healthy, flaky, late, slow, doomed, ordered, finished, ine).forEach(TestConsumer::close);
    }

    @Test
    void everySinkGetsEveryEventOnItsOwn() throws Exception {
        IncodeClient incode = IncodeClient.to(this.port);
        List<String> interviews = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String interviewId = IncodePayloads.interviewId();
            byte[] body = IncodePayloads.onboarding(interviewId, "MANUAL_REVIEW_APPROVED");
            assertThat(incode.send("onboarding-status", body)).isEqualTo(200);
            interviews.add(interviewId);
            bodies.add(body);
        }

        // The healthy consumer gets all five while "late" is down and "slow" still hangs on its first attempts.
        List<Received> received = firstDelivered(healthy, interviews);
        assertThat(received).extracting(Received::bodyText)
            .containsExactlyInAnyOrderElementsOf(bodies.stream().map(String::new).toList());
        assertThat(late.all()).isEmpty();
        // Its dispatcher may not have started them yet on a busy machine; once started, they hang for good.
        Eventually.until("slow's first attempts hanging", () -> hanging.get() > 0);
        for (Received one : received) {
            EventView event = event(one.webhookId());
            assertThat(one.type()).isEqualTo("onboarding-status");
            assertThat(one.attempt()).isEqualTo(1);
            assertThat(one.contentType()).isEqualTo("application/json");
            assertThat(one.authorization()).isEqualTo("Bearer internal-token");
            assertThat(one.receivedAt()).isEqualTo(event.receivedAt().toString());
        }

        // The flaky consumer gets each on the third attempt, with the same X-Webhook-Id each time.
        List<Received> flakyDelivered = firstDelivered(flaky, interviews);
        assertThat(flakyDelivered).allSatisfy((one) -> assertThat(one.attempt()).isEqualTo(3));
        for (Received one : flakyDelivered) {
            assertThat(flaky.all()).filteredOn((request) -> request.webhookId().equals(one.webhookId()))
                .extracting(Received::attempt)
                .containsExactly(1, 2, 3);
        }

        // The hanging consumer's attempts time out and are retried: all five get through.
        assertThat(firstDelivered(slow, interviews)).allSatisfy((one) -> assertThat(one.attempt()).isGreaterThan(1));

        // The late consumer comes up and gets everything that waited for it.
        late.start();
        assertThat(firstDelivered(late, interviews)).extracting(Received::bodyText)
            .containsExactlyInAnyOrderElementsOf(bodies.stream().map(String::new).toList());

        for (String interviewId : interviews) {
            EventView event = this.admin.events(interviewId, null, null, 10).get(0);
            Eventually.until("deliveries of " + interviewId + " settle", () -> settled(event.id()));
        }
    }

    @Test
    void deadAfterTheLastAttemptThenReplayed() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        assertThat(IncodeClient.to(this.port).onboarding(interviewId, "EXPIRED")).isEqualTo(200);
        String eventId = this.admin.events(interviewId, null, null, 1).get(0).id();
        Eventually.until("dead", () -> "dead".equals(delivery(eventId, "doomed").state()));
        DeliveryView dead = delivery(eventId, "doomed");
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.lastError()).isEqualTo("HTTP 500");
        assertThat(doomed.all()).filteredOn((request) -> request.webhookId().equals(eventId)).hasSize(3);
        String deadList = get("/actuator/webhooks/deliveries?sink=doomed&state=dead");
        assertThat(deadList).contains(eventId).contains("HTTP 500");

        doomed.behave((request) -> 200);
        assertThat(post("/actuator/webhooks/replay", "{\"sink\":\"doomed\"}")).contains("\"replayed\":");
        Eventually.until("replayed", () -> "delivered".equals(delivery(eventId, "doomed").state()));
        assertThat(deliveredCopies(doomed, eventId)).isEqualTo(1);

        // One delivery and one event can be replayed too: delivered again, same X-Webhook-Id.
        long deliveryId = delivery(eventId, "doomed").id();
        assertThat(post("/actuator/webhooks/replay", "{\"deliveryId\":" + deliveryId + "}")).contains("\"replayed\":1");
        Eventually.until("delivered again", () -> deliveredCopies(doomed, eventId) == 2);
        Eventually.until("settled", () -> "delivered".equals(delivery(eventId, "doomed").state()));
        assertThat(post("/actuator/webhooks/replay", "{\"eventId\":\"" + eventId + "\"}")).contains("\"replayed\":");
        Eventually.until("delivered a third time", () -> deliveredCopies(doomed, eventId) == 3);
        doomed.behave((request) -> 500);
    }

    @Test
    void orderedSinkDeliversEachInterviewInOrder() throws Exception {
        IncodeClient incode = IncodeClient.to(this.port);
        String a = IncodePayloads.interviewId();
        String b = IncodePayloads.interviewId();
        byte[] a1 = IncodePayloads.onboarding(a, "ID_VALIDATION_FINISHED");
        byte[] a2 = IncodePayloads.onboarding(a, "FACE_VALIDATION_FINISHED");
        byte[] a3 = IncodePayloads.onboarding(a, "ONBOARDING_FINISHED");
        byte[] b1 = IncodePayloads.onboarding(b, "ONBOARDING_FINISHED");
        gates.put(new String(a1), false);
        for (byte[] body : List.of(a1, a2, a3, b1)) {
            assertThat(incode.send("onboarding-status", body)).isEqualTo(200);
        }
        // B is not held up by A's failing first event, and A's later events wait behind it.
        Received first = delivered(ordered, b, 1).get(0);
        assertThat(first.bodyText()).isEqualTo(new String(b1));
        Eventually.until("a1 retried", () -> requestsFor(ordered, a).size() >= 2);
        assertThat(requestsFor(ordered, a)).extracting(Received::bodyText).containsOnly(new String(a1));

        gates.put(new String(a1), true);
        assertThat(delivered(ordered, a, 3)).extracting(Received::bodyText)
            .containsExactly(new String(a1), new String(a2), new String(a3));
    }

    @Test
    void routesByTypeAndStatus() throws Exception {
        IncodeClient incode = IncodeClient.to(this.port);
        String interviewId = IncodePayloads.interviewId();
        assertThat(incode.onboarding(interviewId, "ID_VALIDATION_FINISHED")).isEqualTo(200);
        assertThat(incode.onboarding(interviewId, "ONBOARDING_FINISHED")).isEqualTo(200);
        assertThat(incode.send("ine-scraping", IncodePayloads.ineScraping(interviewId, "FINISHED"))).isEqualTo(200);
        List<EventView> events = this.admin.events(interviewId, null, null, 10);
        assertThat(events).hasSize(3);
        for (EventView event : events) {
            List<String> sinks = event.deliveries().stream().map(DeliveryView::sink).toList();
            if ("ine-scraping".equals(event.type())) {
                assertThat(sinks).contains("ine").doesNotContain("finished");
            }
            else if ("ONBOARDING_FINISHED".equals(event.status())) {
                assertThat(sinks).contains("finished").doesNotContain("ine");
            }
            else {
                assertThat(sinks).doesNotContain("finished", "ine");
            }
        }
        assertThat(delivered(finished, interviewId, 1).get(0).bodyText()).contains("ONBOARDING_FINISHED");
        assertThat(delivered(ine, interviewId, 1).get(0).bodyText()).contains("\"ScrapingStatus\":\"FINISHED\"");
    }

    @Test
    void storesTheSameNotificationOnce() throws Exception {
        IncodeClient incode = IncodeClient.to(this.port);
        String interviewId = IncodePayloads.interviewId();
        byte[] body = IncodePayloads.onboarding(interviewId, "ONBOARDING_FINISHED");
        double duplicatesBefore = duplicates();
        for (int i = 0; i < 10; i++) {
            assertThat(incode.send("onboarding-status", body)).isEqualTo(200);
        }
        List<Thread> racers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 20; i++) {
            Thread racer = new Thread(() -> {
                try {
                    start.await();
                    statuses.add(incode.send("onboarding-status", body));
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            racer.start();
            racers.add(racer);
        }
        start.countDown();
        for (Thread racer : racers) {
            racer.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(statuses).hasSize(20).containsOnly(200);
        // Counted as the request ends, which can be just after the client has its answer.
        Eventually.until("29 duplicates counted", () -> duplicates() >= duplicatesBefore + 29);
        assertThat(duplicates()).isEqualTo(duplicatesBefore + 29);
        List<EventView> events = this.admin.events(interviewId, null, null, 100);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).deliveries()).extracting(DeliveryView::sink).doesNotHaveDuplicates();
        String eventId = events.get(0).id();
        Eventually.until("healthy delivery", () -> "delivered".equals(delivery(eventId, "healthy").state()));
        // A later event reaches the healthy consumer after the one copy: no second copy was ever sent.
        String marker = IncodePayloads.interviewId();
        assertThat(incode.onboarding(marker, "EXPIRED")).isEqualTo(200);
        Eventually.until("marker delivered", () -> !requestsFor(healthy, marker).isEmpty());
        assertThat(requestsFor(healthy, interviewId)).hasSize(1);
    }

    @Test
    void exposesDeliveryMetrics() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        assertThat(IncodeClient.to(this.port).onboarding(interviewId, "EXPIRED")).isEqualTo(200);
        Eventually.until("delivered", () -> !requestsFor(healthy, interviewId).isEmpty());
        // The worker counts a delivery once the consumer has answered: just after the consumer saw it.
        Eventually.until("delivery counted", () -> this.registry.find("webhooks.broadcast.lag").tag("sink", "healthy")
            .timer() != null);
        String metrics = get("/actuator/prometheus");
        assertThat(metrics).contains("webhooks_broadcast_deliveries_total{outcome=\"delivered\",sink=\"healthy\"}")
            .contains("webhooks_broadcast_lag_seconds_count{sink=\"healthy\"}")
            .contains("webhooks_broadcast_pending{sink=\"late\"}")
            .contains("webhooks_broadcast_oldest_pending_age_seconds{sink=\"healthy\"}")
            .contains("webhooks_inbox_commit_batch_size_writes_count");
    }

    private double duplicates() {
        return this.registry.get("webhooks.intake.requests")
            .tags("type", "onboarding-status", "outcome", "duplicate", "reason", "none")
            .counter()
            .count();
    }

    private boolean settled(String eventId) {
        return this.admin.events(null, null, null, 1000)
            .stream()
            .filter((event) -> event.id().equals(eventId))
            .flatMap((event) -> event.deliveries().stream())
            .filter((delivery) -> !delivery.sink().equals("doomed"))
            .allMatch((delivery) -> delivery.state().equals("delivered"));
    }

    private EventView event(String eventId) {
        return this.admin.events(null, null, null, 1000)
            .stream()
            .filter((event) -> event.id().equals(eventId))
            .findFirst()
            .orElseThrow();
    }

    private DeliveryView delivery(String eventId, String sink) {
        return event(eventId).deliveries()
            .stream()
            .filter((delivery) -> delivery.sink().equals(sink))
            .findFirst()
            .orElseThrow();
    }

    /** For each interview, the first request the consumer accepted for it, waiting (bounded) for all. */
    private static List<Received> firstDelivered(TestConsumer consumer, List<String> interviews)
            throws InterruptedException {
        List<Received> first = new ArrayList<>();
        for (String interviewId : interviews) {
            first.add(delivered(consumer, interviewId, 1).get(0));
        }
        return first;
    }

    /** The requests for one interview the consumer accepted, in order, once there are at least {@code count}. */
    private static List<Received> delivered(TestConsumer consumer, String interviewId, int count)
            throws InterruptedException {
        Eventually.until(count + " delivered for " + interviewId, () -> accepted(consumer, interviewId).size() >= count);
        return accepted(consumer, interviewId);
    }

    private static List<Received> accepted(TestConsumer consumer, String interviewId) {
        return consumer.accepted().stream().filter((request) -> request.bodyText().contains(interviewId)).toList();
    }

    private static long deliveredCopies(TestConsumer consumer, String eventId) {
        return consumer.accepted().stream().filter((request) -> request.webhookId().equals(eventId)).count();
    }

    private static List<Received> requestsFor(TestConsumer consumer, String interviewId) {
        return consumer.all().stream().filter((request) -> request.bodyText().contains(interviewId)).toList();
    }

    private String get(String path) throws Exception {
        return HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path))
                .header("Authorization", TestUsers.operator()).build(),
                    BodyHandlers.ofString())
            .body();
    }

    private String post(String path, String json) throws Exception {
        return HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path))
                .header("Authorization", TestUsers.operator())
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(json))
                .timeout(Duration.ofSeconds(10))
                .build(), BodyHandlers.ofString())
            .body();
    }
}
