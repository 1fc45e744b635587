package dev.incodehooks.security;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.incodehooks.IncodePayloads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * External OAuth2 mode: the service is a resource server for the company's own authorization server,
 * played here by a real local HTTP server publishing its RSA key set. Tokens are signed with its private
 * key, or with another one.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.security.oauth2.mode=external", "webhooks.security.oauth2.audiences=incode-webhooks",
                "webhooks.security.oauth2.clock-skew=30s" })
class OAuth2ExternalIntegrationTests {

    private static final RSAKey ISSUER_KEY = rsaKey();

    private static final HttpServer issuer = startIssuer();

    private static final String ISSUER = "http://127.0.0.1:" + issuer.getAddress().getPort();

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        registry.add("webhooks.security.oauth2.issuer", () -> ISSUER);
        registry.add("webhooks.security.oauth2.jwk-set-uri", () -> ISSUER + "/jwks.json");
    }

    @AfterAll
    static void stopIssuer() {
        issuer.stop(0);
    }

    @Test
    void acceptsTokensOfTheIssuerForThisAudience() throws Exception {
        Instant now = Instant.now();
        assertThat(webhook(token(ISSUER_KEY, ISSUER, "incode-webhooks", now.plusSeconds(300))).statusCode())
            .isEqualTo(200);
        assertThat(webhook(token(ISSUER_KEY, ISSUER, "incode-webhooks", now.minusSeconds(10))).statusCode())
            .as("within the clock skew")
            .isEqualTo(200);
    }

    @Test
    void rejectsForgedExpiredAndMisdirectedTokens() throws Exception {
        Instant later = Instant.now().plusSeconds(300);
        assertRejected(webhook(token(rsaKey(), ISSUER, "incode-webhooks", later)), "invalid-token");
        assertRejected(webhook(token(ISSUER_KEY, ISSUER, "incode-webhooks", Instant.now().minusSeconds(60))),
                "expired-token");
        assertRejected(webhook(token(ISSUER_KEY, ISSUER, "billing-api", later)), "wrong-audience");
        assertRejected(webhook(token(ISSUER_KEY, "http://evil.example", "incode-webhooks", later)), "wrong-issuer");
        assertRejected(webhook(null), "missing-token");
    }

    @Test
    void hasNoTokenUrlOfItsOwn() throws Exception {
        HttpResponse<String> response = this.http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/oauth/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(BodyPublishers.ofString("grant_type=client_credentials"))
                    .build(),
                BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
    }

    private static void assertRejected(HttpResponse<String> response, String reason) {
        assertThat(response.statusCode()).as(reason).isEqualTo(401);
        assertThat(response.body()).as(reason).contains(reason.equals("missing-token") ? "required" : reason);
    }

    private HttpResponse<String> webhook(String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/incode/onboarding-status"))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofByteArray(IncodePayloads.onboardingFinished()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return this.http.send(request.build(), BodyHandlers.ofString());
    }

    private static String token(RSAKey key, String issuer, String audience, Instant expiresAt) {
        NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
        JwtClaimsSet claims = JwtClaimsSet.builder()
            .issuer(issuer)
            .subject("incode")
            .audience(List.of(audience))
            .issuedAt(expiresAt.minusSeconds(600))
            .expiresAt(expiresAt)
            .build();
        return encoder
            .encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId(key.getKeyID()).build(),
                    claims))
            .getTokenValue();
    }

    private static RSAKey rsaKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The authorization server's key set, public keys only, as real ones publish it. */
    private static HttpServer startIssuer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/jwks.json", (exchange) -> {
                byte[] body = new JWKSet(ISSUER_KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
