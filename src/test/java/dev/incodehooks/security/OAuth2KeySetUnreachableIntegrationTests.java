package dev.incodehooks.security;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
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
 * External OAuth2 mode while the authorization server's key set cannot be fetched (nothing listens on
 * its port): that is not the caller's fault, so the answer is 503, which Incode retries.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.security.oauth2.mode=external", "webhooks.security.oauth2.issuer=https://idp.example",
                "webhooks.security.oauth2.audiences=incode-webhooks" })
class OAuth2KeySetUnreachableIntegrationTests {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void keySet(DynamicPropertyRegistry registry) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        registry.add("webhooks.security.oauth2.jwk-set-uri", () -> "http://127.0.0.1:" + closedPort + "/jwks.json");
    }

    @Test
    void answers503WithRetryAfter() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        Instant now = Instant.now();
        String token = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)))
            .encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).keyId("k1").build(),
                    JwtClaimsSet.builder()
                        .issuer("https://idp.example")
                        .audience(List.of("incode-webhooks"))
                        .issuedAt(now)
                        .expiresAt(now.plusSeconds(300))
                        .build()))
            .getTokenValue();
        HttpResponse<String> response = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/incode/onboarding-status"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(BodyPublishers.ofByteArray(IncodePayloads.onboardingFinished()))
                .build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("30");
        assertThat(response.body()).doesNotContain(token);
    }
}
