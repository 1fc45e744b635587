package dev.incodehooks.intake;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.incodehooks.IncodePayloads;
import dev.incodehooks.RawHttp;

import static dev.incodehooks.IncodePayloads.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few thousand mutated bodies and content types through the real Tomcat, each request reproducible from
 * one seed: whatever arrives, the answer is never a 5xx, a request that is not accepted leaves the store
 * as it was, and the service is healthy afterwards.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.security.required-headers[X-Incode-Secret]=mutated-requests-secret" })
class MutatedRequestsIntegrationTests {

    private static final long SEED = 11;

    private static final int REQUESTS = 3_000;

    /** Keeps the build bounded on a slow machine; the test prints how many requests it sent. */
    private static final Duration TIME_BOUND = Duration.ofSeconds(60);

    private static final String SECRET_HEADER = "X-Incode-Secret: mutated-requests-secret";

    /** Every table an accepted webhook writes to: a rejected one must not change any of the counts. */
    private static final String STORED = """
            SELECT (SELECT COUNT(*) FROM webhook_event) AS events, (SELECT COUNT(*) FROM webhook_dedup) AS dedup,
                   (SELECT COUNT(*) FROM webhook_delivery) AS deliveries
            """;

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    JdbcClient jdbc;

    @Test
    void neverAnswers5xxAndStoresNothingItRejects() throws Exception {
        RequestMutator mutator = new RequestMutator(new Random(SEED));
        RawHttp http = RawHttp.from("127.0.0.1", this.port);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        Stored before = stored();
        long deadline = System.nanoTime() + TIME_BOUND.toNanos();
        int sent = 0;
        while (sent < REQUESTS && System.nanoTime() < deadline) {
            MutatedRequest request = mutator.next();
            int status = request.sendTo(http).status();
            sent++;
            Stored after = stored();
            statuses.merge(status, 1, Integer::sum);
            if (status >= 500) {
                violations.add(status + " for request " + sent + ": " + request);
            }
            if (status != 200 && !after.equals(before)) {
                violations.add(status + " but the store went from " + before + " to " + after + " for request "
                        + sent + ": " + request);
            }
            before = after;
        }
        System.out.printf("%d mutated requests (seed %d), answers by status: %s, stored: %s%n", sent, SEED, statuses,
                before);
        assertThat(violations).isEmpty();
        assertThat(statuses).as("the mutations reach both sides of the body and media type checks")
            .containsKeys(200, 400, 415);
        assertThat(health()).isEqualTo("UP");
        assertThat(RawHttp.from("127.0.0.1", this.port)
            .send("POST", "/webhooks/incode/onboarding-status",
                    List.of("Content-Type: application/json", SECRET_HEADER), IncodePayloads.onboardingFinished())
            .status()).isEqualTo(200);
    }

    private Stored stored() {
        return this.jdbc.sql(STORED)
            .query((rs, row) -> new Stored(rs.getLong("events"), rs.getLong("dedup"), rs.getLong("deliveries")))
            .single();
    }

    private String health() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/health"))
                .build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body()).get("status").stringValue();
    }

    private record Stored(long events, long dedup, long deliveries) {
    }

    /** One request as sent; its description is what a failure prints to reproduce it. */
    private record MutatedRequest(String path, List<String> headers, byte[] body, int chunkSize) {

        RawHttp.Response sendTo(RawHttp http) throws Exception {
            return (this.chunkSize > 0) ? http.sendChunked(this.path, this.headers, this.body, this.chunkSize)
                    : http.send("POST", this.path, this.headers, this.body);
        }

        @Override
        public String toString() {
            String shown = new String(this.body, 0, Math.min(this.body.length, 300), StandardCharsets.ISO_8859_1);
            return this.path + " " + this.headers + (this.chunkSize > 0 ? " chunked" : "") + " " + this.body.length
                    + " bytes: " + shown.replaceAll("[^\\x20-\\x7e]", "?");
        }
    }

    /**
     * Valid Incode webhooks, then zero to four mutations of the body (bit flips, JSON tokens in odd places,
     * cuts, repeats, other encodings) and sometimes of the content type; a few are chunked or too large.
     */
    private static final class RequestMutator {

        private static final List<String> CONTENT_TYPES = List.of("application/json",
                "application/json; charset=utf-8", "Application/JSON;Charset=UTF-8", "application/json; charset=utf-16",
                "application/json; charset=no-such-charset", "application/vnd.incode.webhook+json",
                "application/problem+json", "application/json;;", "application/json; q=\"unclosed", "application/*",
                "*/*", "application/+json", "text/json", "text/plain", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "", ";", "/", " application/json ", "application/json, text/plain");

        private static final List<byte[]> TOKENS = List.of(utf8("{"), utf8("}"), utf8("["), utf8("]"), utf8(","),
                utf8(":"), utf8("\""), utf8("\\"), utf8("\\u0000"), utf8("\\ud800"), utf8("null"), utf8("-1e999"),
                utf8("\"interviewId\":"), utf8("\"InterviewId\":\"x\","), utf8("\"onboardingStatus\":\"\\u0007\","),
                utf8("[".repeat(PayloadParser.MAX_DEPTH + 1)), utf8("/*"), utf8("\u00e9\u263a"),
                new byte[] { (byte) 0xC0 }, new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF },
                new byte[] { 0 });

        private static final List<Charset> ENCODINGS = List.of(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE,
                Charset.forName("UTF-32"), StandardCharsets.ISO_8859_1);

        private final Random random;

        RequestMutator(Random random) {
            this.random = random;
        }

        MutatedRequest next() {
            boolean ine = this.random.nextInt(4) == 0;
            String interviewId = "64f1c0ffee" + String.format("%014x", this.random.nextLong() & 0xFFFFFFFFFFFFFFL);
            byte[] body = ine ? IncodePayloads.ineScraping(interviewId, "FINISHED") : IncodePayloads
                .onboarding(interviewId, pick(IncodePayloads.ONBOARDING_STATUSES));
            for (int mutations = this.random.nextInt(5); mutations > 0; mutations--) {
                body = mutate(body);
            }
            if (this.random.nextInt(300) == 0) {
                body = Arrays.copyOf(body, 256 * 1024 + 1 + this.random.nextInt(1024));
            }
            List<String> headers = new ArrayList<>(List.of(SECRET_HEADER));
            int contentTypes = (this.random.nextInt(20) == 0) ? this.random.nextInt(3) : 1;
            for (int i = 0; i < contentTypes; i++) {
                headers.add("Content-Type: " + contentType());
            }
            int chunkSize = (this.random.nextInt(10) == 0) ? 1 + this.random.nextInt(64) : 0;
            return new MutatedRequest("/webhooks/incode/" + (ine ? "ine-scraping" : "onboarding-status"), headers,
                    body, chunkSize);
        }

        private String contentType() {
            String type = (this.random.nextInt(3) == 0) ? pick(CONTENT_TYPES) : "application/json";
            if (type.isEmpty() || this.random.nextInt(4) != 0) {
                return type;
            }
            // Any octet a header value may carry, never CR or LF: those would end the header, not mutate it.
            char octet = (char) ((this.random.nextBoolean() ? 0x20 : 0x80) + this.random.nextInt(0x5F));
            StringBuilder mutated = new StringBuilder(type);
            int at = this.random.nextInt(type.length());
            if (this.random.nextBoolean()) {
                mutated.setCharAt(at, octet);
            }
            else {
                mutated.insert(at, octet);
            }
            return mutated.toString();
        }

        private byte[] mutate(byte[] body) {
            if (body.length == 0) {
                return pick(TOKENS);
            }
            int at = this.random.nextInt(body.length);
            return switch (this.random.nextInt(8)) {
                case 0 -> {
                    byte[] flipped = body.clone();
                    flipped[at] ^= (byte) (1 << this.random.nextInt(8));
                    yield flipped;
                }
                case 1 -> {
                    byte[] replaced = body.clone();
                    replaced[at] = pick(TOKENS)[0];
                    yield replaced;
                }
                case 2 -> concat(Arrays.copyOf(body, at),
                        Arrays.copyOfRange(body, Math.min(body.length, at + 1 + this.random.nextInt(8)), body.length));
                case 3 -> concat(Arrays.copyOf(body, at), pick(TOKENS), Arrays.copyOfRange(body, at, body.length));
                case 4 -> {
                    int end = Math.min(body.length, at + 1 + this.random.nextInt(32));
                    yield concat(Arrays.copyOf(body, end), Arrays.copyOfRange(body, at, body.length));
                }
                case 5 -> Arrays.copyOf(body, at);
                case 6 -> concat(body, body);
                default -> new String(body, StandardCharsets.UTF_8).getBytes(pick(ENCODINGS));
            };
        }

        private <T> T pick(List<T> choices) {
            return choices.get(this.random.nextInt(choices.size()));
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                out.writeBytes(part);
            }
            return out.toByteArray();
        }
    }
}
