package dev.incodehooks.broadcast;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
import dev.incodehooks.IncodeLoad;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.TestConsumer;
import dev.incodehooks.TestConsumer.Received;
import dev.incodehooks.inbox.InboxAdmin;
import dev.incodehooks.inbox.InboxAdmin.DeliveryView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On an ordered sink a dead delivery holds back the later events of its interview (and only those) until
 * an operator replays or skips it; held deliveries are counted. A replay never races an attempt in flight.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", TestUsers.OPERATOR, TestUsers.OPERATOR_ROLE,
                "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.broadcast.sinks.ordered.type=http", "webhooks.broadcast.sinks.ordered.ordered=true",
                "webhooks.broadcast.sinks.ordered.retry.initial-interval=50ms",
                "webhooks.broadcast.sinks.ordered.retry.max-attempts=2",
                "webhooks.broadcast.sinks.hanging.type=http", "webhooks.broadcast.sinks.hanging.statuses=EXPIRED",
                "webhooks.broadcast.sinks.hanging.timeout=30s" })
class OrderedSinkIntegrationTests {

    /** Bodies the ordered consumer refuses. */
    static final Set<String> refused = ConcurrentHashMap.newKeySet();

    static final TestConsumer ordered = TestConsumer.started((request) -> refused.contains(request.bodyText()) ? 500 : 200);

    static final CountDownLatch unhang = new CountDownLatch(1);

    static final TestConsumer hanging = TestConsumer
        .started(TestConsumer.hangingOnFirstAttempt(unhang, new AtomicInteger()));

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
        registry.add("webhooks.broadcast.sinks.ordered.url", ordered::url);
        registry.add("webhooks.broadcast.sinks.hanging.url", hanging::url);
    }

    @AfterAll
    static void close() {
        unhang.countDown();
        ordered.close();
        hanging.close();
    }

    @Test
    void aDeadDeliveryHoldsItsInterviewBackUntilReplayed() throws Exception {
        String x = IncodePayloads.interviewId();
        String y = IncodePayloads.interviewId();
        byte[] x1 = IncodePayloads.onboarding(x, "ID_VALIDATION_FINISHED");
        byte[] x2 = IncodePayloads.onboarding(x, "FACE_VALIDATION_FINISHED");
        byte[] x3 = IncodePayloads.onboarding(x, "ONBOARDING_FINISHED");
        refused.add(new String(x1));
        send(x1, x2, x3);
        DeliveryView dead = awaitDead(x1);

        // Y flows while X waits behind its dead first event; the two held ones are counted.
        byte[] y1 = IncodePayloads.onboarding(y, "ONBOARDING_FINISHED");
        send(y1);
        Eventually.until("y delivered", () -> !delivered(y).isEmpty());
        Eventually.until("two held", () -> held() == 2);
        assertThat(get("/actuator/webhooks")).contains("\"held\":{\"ordered\":2}");
        assertThat(delivered(x)).isEmpty();

        refused.remove(new String(x1));
        assertThat(post("replay", "{\"deliveryId\":" + dead.id() + "}")).contains("\"replayed\":1");
        Eventually.until("x delivered", () -> delivered(x).size() == 3);
        assertThat(delivered(x)).extracting(Received::bodyText)
            .containsExactly(new String(x1), new String(x2), new String(x3));
        Eventually.until("none held", () -> held() == 0);
    }

    @Test
    void aSkippedDeadDeliveryReleasesItsInterview() throws Exception {
        String z = IncodePayloads.interviewId();
        byte[] z1 = IncodePayloads.onboarding(z, "ID_VALIDATION_FINISHED");
        byte[] z2 = IncodePayloads.onboarding(z, "FACE_VALIDATION_FINISHED");
        byte[] z3 = IncodePayloads.onboarding(z, "ONBOARDING_FINISHED");
        refused.add(new String(z1));
        send(z1, z2, z3);
        DeliveryView dead = awaitDead(z1);
        assertThat(delivered(z)).isEmpty();
        assertThat(post("skip", "{\"deliveryId\":" + dead.id() + "}")).contains("\"skipped\":1");
        Eventually.until("z2 and z3 delivered", () -> delivered(z).size() == 2);
        assertThat(delivered(z)).extracting(Received::bodyText).containsExactly(new String(z2), new String(z3));
        assertThat(delivery(dead.eventId()).state()).isEqualTo("skipped");
        // Skipping what is not dead changes nothing.
        assertThat(post("skip", "{\"deliveryId\":" + dead.id() + "}")).contains("\"skipped\":0");
    }

    @Test
    void aReplayDuringAnAttemptIsRefusedAndNeverLost() throws Exception {
        String w = IncodePayloads.interviewId();
        send(IncodePayloads.onboarding(w, "EXPIRED"));
        Eventually.until("attempt in flight", () -> hanging.all().stream().anyMatch((r) -> r.bodyText().contains(w)));
        String eventId = this.admin.events(w, null, null, 1).get(0).id();
        DeliveryView inFlight = this.admin.events(w, null, null, 1).get(0).deliveries().stream()
            .filter((delivery) -> delivery.sink().equals("hanging"))
            .findFirst()
            .orElseThrow();
        assertThat(post("replay", "{\"deliveryId\":" + inFlight.id() + "}")).contains("\"replayed\":0")
            .contains("\"notReplayed\":1");
        unhang.countDown();
        Eventually.until("delivered", () -> "delivered".equals(deliveryOf(eventId, "hanging").state()));
        assertThat(post("replay", "{\"deliveryId\":" + inFlight.id() + "}")).contains("\"replayed\":1")
            .contains("\"notReplayed\":0");
        Eventually.until("delivered again", () -> hanging.all().stream()
            .filter((r) -> r.webhookId().equals(eventId))
            .count() == 2);
        Eventually.until("settled", () -> "delivered".equals(deliveryOf(eventId, "hanging").state()));
    }

    @Test
    void refusesAnAdminActionWithoutOneTargetItCanActOn() throws Exception {
        assertThat(postStatus("skip", "{}")).isEqualTo(400);
        assertThat(postStatus("replay", "{}")).isEqualTo(400);
        assertThat(postStatus("drop", "{\"sink\":\"ordered\"}")).as("a configured sink").isEqualTo(400);
        assertThat(postStatus("replay", "{\"sink\":\"gone\"}")).as("a sink not configured").isEqualTo(400);
        assertThat(postStatus("replay", "{\"sink\":\"ordered\",\"deliveryId\":1}")).as("two targets").isEqualTo(400);
        assertThat(postStatus("nuke", "{\"sink\":\"ordered\"}")).as("an unknown action").isEqualTo(400);
    }

    private void send(byte[]... bodies) {
        IncodeClient incode = IncodeClient.to(this.port);
        for (byte[] body : bodies) {
            assertThat(incode.send("onboarding-status", body)).isEqualTo(200);
        }
    }

    private DeliveryView awaitDead(byte[] body) throws InterruptedException {
        String interviewId = IncodeLoad.interviewId(new String(body));
        String eventId = this.admin.events(interviewId, null, null, 10)
            .stream()
            .filter((event) -> new String(body).contains(event.status()))
            .findFirst()
            .orElseThrow()
            .id();
        Eventually.until("dead", () -> "dead".equals(deliveryOf(eventId, "ordered").state()));
        return deliveryOf(eventId, "ordered");
    }

    private DeliveryView delivery(String eventId) {
        return deliveryOf(eventId, "ordered");
    }

    private DeliveryView deliveryOf(String eventId, String sink) {
        return this.admin.deliveries(sink, null, 1000)
            .stream()
            .filter((delivery) -> delivery.eventId().equals(eventId))
            .findFirst()
            .orElseThrow();
    }

    private static List<Received> delivered(String interviewId) {
        return ordered.accepted().stream().filter((request) -> request.bodyText().contains(interviewId)).toList();
    }

    private double held() {
        return this.registry.get("webhooks.broadcast.held").tag("sink", "ordered").gauge().value();
    }

    private String get(String path) throws Exception {
        return HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path))
                .header("Authorization", TestUsers.operator()).build(),
                    BodyHandlers.ofString())
            .body();
    }

    private String post(String action, String json) throws Exception {
        return HttpClient.newHttpClient().send(request(action, json), BodyHandlers.ofString()).body();
    }

    private int postStatus(String action, String json) throws Exception {
        return HttpClient.newHttpClient().send(request(action, json), BodyHandlers.discarding()).statusCode();
    }

    private HttpRequest request(String action, String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/webhooks/" + action))
                .header("Authorization", TestUsers.operator())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(BodyPublishers.ofString(json))
            .build();
    }
}
