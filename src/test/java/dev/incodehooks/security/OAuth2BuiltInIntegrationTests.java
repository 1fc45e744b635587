package dev.incodehooks.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.IncodeWebhookReceiverApplication;
import dev.incodehooks.SettableClock;
import dev.incodehooks.TestStore;
import dev.incodehooks.WebhookReceived;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Built-in OAuth2 over real HTTP, the way Incode does it: a client-credentials token request with HTTP
 * Basic, then webhooks with {@code Authorization: Bearer}, then expiry. Static headers are required too, to
 * show both together. Two client secrets are accepted (a rotation under way).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.security.required-headers[X-Incode-Secret]=static-secret",
                "webhooks.security.oauth2.mode=built-in", "webhooks.security.oauth2.client-id=incode",
                "webhooks.security.oauth2.client-secrets=" + OAuth2BuiltInIntegrationTests.OLD_SECRET + ","
                        + OAuth2BuiltInIntegrationTests.NEW_SECRET,
                "webhooks.security.oauth2.signing-keys=" + OAuth2BuiltInIntegrationTests.SIGNING_KEY,
                "webhooks.security.oauth2.token-lifetime=10m" })
@Import({ WebhookReceived.class, SettableClock.InPlace.class })
@ExtendWith(OutputCaptureExtension.class)
class OAuth2BuiltInIntegrationTests {

    static final String OLD_SECRET = "old-client-secret-0123456789";

    static final String NEW_SECRET = "new-client-secret-0123456789";

    static final String SIGNING_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";

    private final HttpClient http = HttpClient.newHttpClient();

    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    WebhookReceived received;

    @Autowired
    SettableClock clock;

    @Autowired
    MeterRegistry registry;

    @Autowired
    ConfigurableApplicationContext context;

    @Test
    void incodeGetsATokenAndSendsWebhooksUntilItExpires(CapturedOutput output) throws Exception {
        HttpResponse<String> tokenResponse = requestToken(basic("incode", NEW_SECRET), "grant_type=client_credentials");
        assertThat(tokenResponse.statusCode()).isEqualTo(200);
        assertThat(tokenResponse.headers().firstValue("Content-Type")).hasValueSatisfying(
                (type) -> assertThat(type).startsWith("application/json"));
        assertThat(tokenResponse.headers().firstValue("Cache-Control")).contains("no-store");
        Map<?, ?> body = this.json.readValue(tokenResponse.body(), Map.class);
        assertThat(body.get("token_type")).isEqualTo("Bearer");
        assertThat(((Number) body.get("expires_in")).longValue()).isEqualTo(600);
        String token = (String) body.get("access_token");

        String interviewId = IncodePayloads.interviewId();
        byte[] webhook = IncodePayloads.onboarding(interviewId, "ONBOARDING_FINISHED");
        assertThat(webhook(token, webhook).statusCode()).isEqualTo(200);
        assertThat(this.received.of(webhook).interviewId()).isEqualTo(interviewId);

        Duration pastExpiry = Duration.ofMinutes(10).plusSeconds(61);
        this.clock.advance(pastExpiry);
        try {
            assertRejected(() -> webhook(token, IncodePayloads.onboardingFinished()), "expired-token");
            String renewed = token(basic("incode", NEW_SECRET));
            assertThat(webhook(renewed, IncodePayloads.onboardingFinished()).statusCode()).isEqualTo(200);
            assertThat(output.getAll()).doesNotContain(token).doesNotContain(renewed).doesNotContain(NEW_SECRET);
        }
        finally {
            // Put back: the clock is shared by every test of this class.
            this.clock.advance(pastExpiry.negated());
        }
    }

    @Test
    void acceptsEverySecretOfARotationAndNoOther() throws Exception {
        double badBefore = count("oauth-token", "bad-client-credentials");
        double missingBefore = count("oauth-token", "missing-client-credentials");
        assertThat(webhook(token(basic("incode", OLD_SECRET)), IncodePayloads.onboardingFinished()).statusCode())
            .isEqualTo(200);
        assertThat(webhook(token(basic("incode", NEW_SECRET)), IncodePayloads.onboardingFinished()).statusCode())
            .isEqualTo(200);
        for (String authorization : List.of(basic("incode", "retired-client-secret-0123"), basic("other", NEW_SECRET),
                "Basic not-base64!", "Bearer " + NEW_SECRET)) {
            HttpResponse<String> refused = requestToken(authorization, "grant_type=client_credentials");
            assertThat(refused.statusCode()).as(authorization).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    (challenge) -> assertThat(challenge).startsWith("Basic"));
            assertThat(refused.body()).contains("\"error\":\"invalid_client\"").doesNotContain(NEW_SECRET);
        }
        awaitCount("oauth-token", "bad-client-credentials", badBefore + 2);
        awaitCount("oauth-token", "missing-client-credentials", missingBefore + 2);
    }

    @Test
    void refusesTokenRequestsOutsideTheGrant() throws Exception {
        HttpResponse<String> wrongGrant = requestToken(basic("incode", NEW_SECRET), "grant_type=password");
        assertThat(wrongGrant.statusCode()).isEqualTo(400);
        assertThat(wrongGrant.body()).contains("\"error\":\"unsupported_grant_type\"");
        HttpResponse<String> noGrant = requestToken(basic("incode", NEW_SECRET), "scope=webhooks");
        assertThat(noGrant.statusCode()).isEqualTo(400);
        assertThat(noGrant.body()).contains("\"error\":\"invalid_request\"");
        HttpResponse<String> json = this.http.send(HttpRequest.newBuilder(uri("/webhooks/oauth/token"))
            .header("Authorization", basic("incode", NEW_SECRET))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}"))
            .build(), BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(400);
        HttpResponse<String> get = this.http.send(HttpRequest.newBuilder(uri("/webhooks/oauth/token"))
            .header("Authorization", basic("incode", NEW_SECRET))
            .build(), BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void rejectsWebhooksWithoutAGoodToken() throws Exception {
        String token = token(basic("incode", NEW_SECRET));
        assertRejected(() -> webhook(null, IncodePayloads.onboardingFinished()), "missing-token");
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"sub\":\"incode\",\"exp\":4102444800}".getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertRejected(() -> webhook(tampered, IncodePayloads.onboardingFinished()), "invalid-token");
        String unsigned = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
        assertRejected(() -> webhook(unsigned, IncodePayloads.onboardingFinished()), "invalid-token");
        assertRejected(() -> webhook(mint("another-key-another-key-another-key!!", "incode-webhook-receiver"),
                IncodePayloads.onboardingFinished()), "invalid-token");
        assertRejected(() -> webhook(mint(new String(Base64.getDecoder().decode(SIGNING_KEY), StandardCharsets.ISO_8859_1),
                "some-other-api"), IncodePayloads.onboardingFinished()), "wrong-audience");
        assertRejected(() -> webhook("not.a.jwt", IncodePayloads.onboardingFinished()), "invalid-token");
    }

    @Test
    void requiresTheStaticHeaderAsWellAsTheToken() throws Exception {
        HttpResponse<String> noHeader = this.http.send(HttpRequest.newBuilder(uri("/webhooks/incode/onboarding-status"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token(basic("incode", NEW_SECRET)))
            .POST(BodyPublishers.ofByteArray(IncodePayloads.onboardingFinished()))
            .build(), BodyHandlers.ofString());
        assertThat(noHeader.statusCode()).isEqualTo(401);
        assertThat(noHeader.body()).contains("X-Incode-Secret");
    }

    @Test
    void tokensHoldOnAnotherReplicaAndAfterARestart() throws Exception {
        String token = token(basic("incode", NEW_SECRET));
        List<String> args = new ArrayList<>();
        for (String property : getClass().getAnnotation(SpringBootTest.class).properties()) {
            args.add("--" + property);
        }
        args.addAll(List.of("--server.port=0", "--spring.datasource.url=" + TestStore.newSqliteUrl()));
        try (ConfigurableApplicationContext replica = new SpringApplicationBuilder(IncodeWebhookReceiverApplication.class)
            .run(args.toArray(String[]::new))) {
            int replicaPort = ((WebServerApplicationContext) replica).getWebServer().getPort();
            HttpResponse<String> response = this.http.send(
                    webhookRequest(URI.create("http://127.0.0.1:" + replicaPort + "/webhooks/incode/onboarding-status"),
                            token, IncodePayloads.onboardingFinished()),
                    BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        }
    }

    /** Sends a webhook and checks its rejection, and that it was counted once (before and after, not just "some"). */
    private void assertRejected(Request request, String reason) throws Exception {
        double before = count("onboarding-status", reason);
        HttpResponse<String> response = request.send();
        assertThat(response.statusCode()).as(reason).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                (challenge) -> assertThat(challenge).startsWith("Bearer"));
        awaitCount("onboarding-status", reason, before + 1);
    }

    /** A request to send. */
    private interface Request {

        HttpResponse<String> send() throws Exception;
    }

    /** Requests are counted as they end, which can be just after the client has its answer. */
    private void awaitCount(String type, String reason, double expected) throws InterruptedException {
        Eventually.until(type + "/" + reason + " counted", () -> count(type, reason) >= expected);
        assertThat(count(type, reason)).as(type + "/" + reason).isEqualTo(expected);
    }

    private double count(String type, String reason) {
        Counter counter = this.registry.find("webhooks.intake.requests")
            .tags("type", type, "outcome", "rejected", "reason", reason)
            .counter();
        return (counter != null) ? counter.count() : 0;
    }

    /** A token signed by someone else, or for another audience, valid in every other respect. */
    private String mint(String key, String audience) {
        OctetSequenceKey jwk = new OctetSequenceKey.Builder(key.getBytes(StandardCharsets.ISO_8859_1)).build();
        NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableSecret<>(jwk.toSecretKey()));
        Instant now = this.clock.instant();
        JwtClaimsSet claims = JwtClaimsSet.builder()
            .issuer("incode-webhook-receiver")
            .subject("incode")
            .audience(List.of(audience))
            .issuedAt(now)
            .expiresAt(now.plusSeconds(300))
            .build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
            .getTokenValue();
    }

    private String token(String authorization) throws IOException, InterruptedException {
        HttpResponse<String> response = requestToken(authorization, "grant_type=client_credentials");
        assertThat(response.statusCode()).isEqualTo(200);
        return (String) this.json.readValue(response.body(), Map.class).get("access_token");
    }

    private HttpResponse<String> requestToken(String authorization, String form)
            throws IOException, InterruptedException {
        return this.http.send(HttpRequest.newBuilder(uri("/webhooks/oauth/token"))
            .header("Authorization", authorization)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(BodyPublishers.ofString(form))
            .build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> webhook(String token, byte[] body) throws IOException, InterruptedException {
        return this.http.send(webhookRequest(uri("/webhooks/incode/onboarding-status"), token, body),
                BodyHandlers.ofString());
    }

    private static HttpRequest webhookRequest(URI uri, String token, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .header("X-Incode-Secret", "static-secret")
            .POST(BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.port + path);
    }
}
