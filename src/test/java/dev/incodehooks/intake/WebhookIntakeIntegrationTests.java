package dev.incodehooks.intake;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.RawHttp;
import dev.incodehooks.WebhookReceived;
import dev.incodehooks.event.WebhookEvent;

import static dev.incodehooks.IncodePayloads.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The HTTP contract, row by row, through a real Tomcat on a random port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.security.required-headers[X-Incode-Secret]=old-secret,new-secret",
                "webhooks.types.video-selfie.id-field=interviewId" })
@Import(WebhookReceived.class)
class WebhookIntakeIntegrationTests {

    static final List<String> STATUSES = with(IncodePayloads.ONBOARDING_STATUSES, "SOME_STATUS_ADDED_NEXT_YEAR");

    private static final String ONBOARDING = "/webhooks/incode/onboarding-status";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    WebhookReceived received;

    @Autowired
    MeterRegistry registry;

    @ParameterizedTest
    @FieldSource("STATUSES")
    void acceptsEveryOnboardingStatusAndPassesTheBodyOn(String status) throws Exception {
        String interviewId = IncodePayloads.interviewId();
        byte[] body = IncodePayloads.onboarding(interviewId, status);
        HttpResponse<String> response = post(ONBOARDING, "application/json", body, "X-Incode-Secret", "new-secret");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body()).isEqualTo("{\"success\":true}");
        WebhookEvent event = this.received.of(body);
        assertThat(event.type()).isEqualTo("onboarding-status");
        assertThat(event.interviewId()).isEqualTo(interviewId);
        assertThat(event.status()).isEqualTo(status);
        assertThat(event.sourceAddress()).isEqualTo("127.0.0.1");
        assertThat(event.body()).isEqualTo(body);
    }

    @Test
    void keepsUnknownFieldsByteForByte() throws Exception {
        byte[] body = utf8("{ \"interviewId\" : \"64f1c0ffee0000000000beef\", \"newField\": {\"x\": [1, 2.50, null]},"
                + " \"emoji\": \"\u00e9\u263a\" }\n");
        assertThat(post(ONBOARDING, "application/json; charset=utf-8", body).statusCode()).isEqualTo(200);
        assertThat(this.received.of(body).body()).isEqualTo(body);
    }

    @Test
    void answersIneWithTheStringTrueAsIncodeDocuments() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        for (String status : List.of("IN_PROGRESS", "FINISHED")) {
            byte[] body = IncodePayloads.ineScraping(interviewId, status);
            HttpResponse<String> response = post("/webhooks/incode/ine-scraping", "application/json", body);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(response.body()).isEqualTo("{\"success\":\"true\"}");
            WebhookEvent event = this.received.of(body);
            assertThat(event.type()).isEqualTo("ine-scraping");
            assertThat(event.interviewId()).isEqualTo(interviewId);
            assertThat(event.status()).isEqualTo(status);
        }
    }

    @Test
    void acceptsDeclaredExtraType() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        byte[] body = IncodePayloads.videoSelfie(interviewId);
        HttpResponse<String> response = post("/webhooks/incode/video-selfie", "application/json", body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"success\":true}");
        WebhookEvent event = this.received.of(body);
        assertThat(event.type()).isEqualTo("video-selfie");
        assertThat(event.interviewId()).isEqualTo(interviewId);
    }

    @Test
    void rejectsUndeclaredTypeWithNotFound() throws Exception {
        assertRejected(() -> post("/webhooks/incode/face-authentication", "application/json",
                IncodePayloads.onboardingFinished()), 404, "unknown", "unknown-type");
    }

    @Test
    void rejectsThePathWithoutATypeWithNotFound() throws Exception {
        for (String path : List.of("/webhooks/incode", "/webhooks/incode/")) {
            assertRejected(() -> post(path, "application/json", IncodePayloads.onboardingFinished()), 404, "unknown",
                    "unknown-type");
        }
    }

    @Test
    void acceptsEitherSecretDuringRotation() throws Exception {
        for (String secret : List.of("old-secret", "new-secret")) {
            byte[] body = IncodePayloads.onboardingFinished();
            assertThat(post(ONBOARDING, "application/json", body, "X-Incode-Secret", secret).statusCode()).isEqualTo(200);
            this.received.of(body);
        }
        byte[] body = IncodePayloads.onboardingFinished();
        assertThat(post(ONBOARDING, "application/json", body, "x-incode-secret", "new-secret").statusCode())
            .as("header names are case-insensitive")
            .isEqualTo(200);
        this.received.of(body);
    }

    @Test
    void rejectsWrongOrMissingSecret() throws Exception {
        List<HttpResponse<String>> answers = new java.util.ArrayList<>();
        assertRejected(() -> keep(answers, post(ONBOARDING, "application/json", IncodePayloads.onboardingFinished(),
                "X-Incode-Secret", "retired-secret")), 401, "onboarding-status", "unauthorized");
        assertThat(answers.get(0).body()).doesNotContain("retired-secret").doesNotContain("old-secret");
        assertRejected(() -> send(HttpRequest.newBuilder(uri(ONBOARDING))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofByteArray(IncodePayloads.onboardingFinished()))), 401, "onboarding-status",
                "unauthorized");
    }

    private static HttpResponse<String> keep(List<HttpResponse<String>> answers, HttpResponse<String> answer) {
        answers.add(answer);
        return answer;
    }

    @Test
    void rejectsRepeatedSecretHeader() throws Exception {
        RawHttp.Response response = RawHttp.from("127.0.0.1", this.port)
            .send("POST", ONBOARDING, List.of("Content-Type: application/json", "X-Incode-Secret: guess",
                    "X-Incode-Secret: new-secret"), IncodePayloads.onboardingFinished());
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.bodyText()).contains("more than once");
    }

    @Test
    void rejectsSourceOutsideAllowlist() throws Exception {
        assumeTrue(RawHttp.canBind("127.0.0.5"), "needs 127.0.0.5 on the loopback interface (on macOS: "
                + "sudo ifconfig lo0 alias 127.0.0.5)");
        double before = count("onboarding-status", "rejected", "forbidden-source");
        RawHttp.Response response = RawHttp.from("127.0.0.5", this.port)
            .send("POST", ONBOARDING, List.of("Content-Type: application/json", "X-Incode-Secret: new-secret"),
                    IncodePayloads.onboardingFinished());
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        awaitCount("onboarding-status", "rejected", "forbidden-source", before + 1);
    }

    /** Checks run in the documented order: a request failing several gets the answer of the first. */
    @Test
    void answersTheFirstCheckThatFails() throws Exception {
        assumeTrue(RawHttp.canBind("127.0.0.5"), "needs 127.0.0.5 on the loopback interface (on macOS: "
                + "sudo ifconfig lo0 alias 127.0.0.5)");
        byte[] bad = utf8("{");
        byte[] huge = new byte[300 * 1024];
        // Wrong source, wrong secret, bad body: the source decides.
        assertThat(RawHttp.from("127.0.0.5", this.port)
            .send("POST", ONBOARDING, List.of("Content-Type: text/plain", "X-Incode-Secret: guess"), bad)
            .status()).isEqualTo(403);
        // Right source, wrong secret, unknown type, wrong content type, too large: the secret decides.
        assertThat(RawHttp.from("127.0.0.1", this.port)
            .send("POST", "/webhooks/incode/nope", List.of("Content-Type: text/plain", "X-Incode-Secret: guess"), huge)
            .status()).isEqualTo(401);
        // Then the type, then the content type, then the size, then the body.
        List<String> secret = List.of("X-Incode-Secret: new-secret");
        assertThat(send("/webhooks/incode/nope", "text/plain", secret, huge).status()).isEqualTo(404);
        assertThat(send(ONBOARDING, "text/plain", secret, huge).status()).isEqualTo(415);
        assertThat(send(ONBOARDING, "application/json", secret, huge).status()).isEqualTo(413);
        assertThat(send(ONBOARDING, "application/json", secret, bad).status()).isEqualTo(400);
    }

    private RawHttp.Response send(String path, String contentType, List<String> headers, byte[] body) throws Exception {
        List<String> all = new java.util.ArrayList<>(headers);
        all.add("Content-Type: " + contentType);
        return RawHttp.from("127.0.0.1", this.port).send("POST", path, all, body);
    }

    @ParameterizedTest
    @ValueSource(strings = { "text/plain", "application/x-www-form-urlencoded", "application/xml", "nonsense",
            "multipart/form-data; boundary=x" })
    void rejectsBodiesThatAreNotJson(String contentType) throws Exception {
        assertRejected(() -> post(ONBOARDING, contentType, IncodePayloads.onboardingFinished()), 415, "onboarding-status",
                "unsupported-media-type");
    }

    @Test
    void rejectsBodyWithoutContentType() throws Exception {
        RawHttp.Response response = RawHttp.from("127.0.0.1", this.port)
            .send("POST", ONBOARDING, List.of("X-Incode-Secret: new-secret"), IncodePayloads.onboardingFinished());
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
    }

    @Test
    void rejectsBodyOverTheLimit() throws Exception {
        assertRejected(() -> post(ONBOARDING, "application/json", oversizedBody()), 413, "onboarding-status", "too-large");
    }

    @Test
    void rejectsChunkedBodyOverTheLimit() throws Exception {
        double before = count("onboarding-status", "rejected", "too-large");
        RawHttp.Response response = RawHttp.from("127.0.0.1", this.port)
            .sendChunked(ONBOARDING, List.of("Content-Type: application/json", "X-Incode-Secret: new-secret"),
                    oversizedBody(), 8192);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        awaitCount("onboarding-status", "rejected", "too-large", before + 1);
        assertNothingWasBroadcast();
    }

    /** A broken chunked encoding is the caller's fault: a 400 problem, counted as such, not as a 5xx. */
    @Test
    void rejectsABrokenChunkedBodyAsTheCallersFault() throws Exception {
        double before = count("onboarding-status", "rejected", "unreadable-body");
        String answer;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST " + ONBOARDING + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nX-Incode-Secret: new-secret\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n5\r\n{\"int\r\nZZ\r\nerviewId\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
        assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json");
        awaitCount("onboarding-status", "rejected", "unreadable-body", before + 1);
        assertNothingWasBroadcast();
    }

    @Test
    void acceptsChunkedBodyWithinTheLimit() throws Exception {
        byte[] body = IncodePayloads.onboardingFinished();
        RawHttp.Response response = RawHttp.from("127.0.0.1", this.port)
            .sendChunked(ONBOARDING, List.of("Content-Type: application/json", "X-Incode-Secret: new-secret"), body,
                    7);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("{\"success\":true}");
        assertThat(this.received.of(body).body()).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"interviewId\":\"a\"", "[{\"interviewId\":\"a\"}]",
            "{\"interviewId\":\"a\",\"interviewId\":\"b\"}", "{\"onboardingStatus\":\"ONBOARDING_FINISHED\"}", "",
            "{\"interviewId\":\"a\",\"deep\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}" })
    void rejectsBadJsonAndChangesNothing(String body) throws Exception {
        HttpResponse<String> response = post(ONBOARDING, "application/json", utf8(body));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains("\"status\":400");
        assertNothingWasBroadcast();
    }

    @Test
    void countsEachBadRequestReason() throws Exception {
        double before = count("onboarding-status", "rejected", "duplicate-key");
        post(ONBOARDING, "application/json", utf8("{\"interviewId\":\"a\",\"x\":{\"k\":1,\"k\":1}}"));
        awaitCount("onboarding-status", "rejected", "duplicate-key", before + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "GET", "PUT", "DELETE", "PATCH" })
    void rejectsOtherMethods(String method) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(ONBOARDING))
            .header("X-Incode-Secret", "new-secret")
            .header("Content-Type", "application/json")
            .method(method, BodyPublishers.ofByteArray(IncodePayloads.onboardingFinished())));
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).contains("POST");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    void servesMetricsAndHealthOnTheManagementPortOnly() throws Exception {
        byte[] body = IncodePayloads.onboardingFinished();
        post(ONBOARDING, "application/json", body);
        this.received.of(body);
        HttpResponse<String> metrics = this.http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/prometheus"))
                    .build(),
                BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
            .contains("webhooks_intake_requests_total{outcome=\"accepted\",reason=\"none\",type=\"onboarding-status\"}")
            .contains("webhooks_intake_latency_seconds_bucket{outcome=\"accepted\",type=\"onboarding-status\"")
            .contains("webhooks_broadcast_deliveries_total{outcome=\"delivered\",sink=\"in-process\"}");
        // Open on the management port (the rest needs a user: ManagementAccessIntegrationTests).
        for (String path : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            assertThat(this.http
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path)).build(),
                        BodyHandlers.ofString())
                .statusCode()).as(path).isEqualTo(200);
        }
        for (String path : List.of("/actuator/prometheus", "/actuator/health", "/", "/index.html")) {
            assertThat(this.http.send(HttpRequest.newBuilder(uri(path)).build(), BodyHandlers.ofString()).statusCode())
                .as(path)
                .isEqualTo(404);
        }
    }

    @Test
    void measuresWebhooksOnceAndOtherRequestsAsUsual() throws Exception {
        double before = count("onboarding-status", "accepted", "none");
        byte[] body = IncodePayloads.onboardingFinished();
        post(ONBOARDING, "application/json", body);
        this.received.of(body);
        this.http.send(HttpRequest.newBuilder(uri("/index.html")).build(), BodyHandlers.ofString());
        Eventually.until("the other request observed",
                () -> !this.registry.find("http.server.requests").tag("uri", "NOT_FOUND").timers().isEmpty());
        awaitCount("onboarding-status", "accepted", "none", before + 1);
        assertThat(this.registry.find("http.server.requests").timers())
            .extracting((timer) -> timer.getId().getTag("uri"))
            .noneMatch((uri) -> uri != null && uri.startsWith("/webhooks"));
    }

    /** Sends a request and checks its rejection, and that it was counted once (before and after, not just "some"). */
    private void assertRejected(Request request, int status, String type, String reason) throws Exception {
        double before = count(type, "rejected", reason);
        HttpResponse<String> response = request.send();
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains("\"status\":" + status);
        awaitCount(type, "rejected", reason, before + 1);
    }

    /** A request to send. */
    private interface Request {

        HttpResponse<String> send() throws Exception;
    }

    /** Requests are counted as they end, which can be just after the client has its answer. */
    private void awaitCount(String type, String outcome, String reason, double expected) throws InterruptedException {
        Eventually.until(outcome + "/" + reason + " counted", () -> count(type, outcome, reason) >= expected);
        assertThat(count(type, outcome, reason)).isEqualTo(expected);
    }

    /** A valid request sent after the rejected ones is the next event broadcast: they left no trace. */
    private void assertNothingWasBroadcast() throws Exception {
        byte[] marker = IncodePayloads.onboardingFinished();
        assertThat(post(ONBOARDING, "application/json", marker).statusCode()).isEqualTo(200);
        assertThat(this.received.of(marker).body()).isEqualTo(marker);
    }

    private static byte[] oversizedBody() {
        byte[] padding = new byte[300 * 1024];
        Arrays.fill(padding, (byte) 'x');
        return utf8("{\"interviewId\":\"abc\",\"padding\":\"" + new String(padding) + "\"}");
    }

    private double count(String type, String outcome, String reason) {
        Counter counter = this.registry.find("webhooks.intake.requests")
            .tags("type", type, "outcome", outcome, "reason", reason)
            .counter();
        return (counter != null) ? counter.count() : 0;
    }

    private HttpResponse<String> post(String path, String contentType, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(BodyPublishers.ofByteArray(body));
        if (headers.length == 0) {
            request.header("X-Incode-Secret", "new-secret");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return this.http.send(request.build(), BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.port + path);
    }

    private static List<String> with(List<String> list, String extra) {
        List<String> all = new ArrayList<>(list);
        all.add(extra);
        return all;
    }
}
