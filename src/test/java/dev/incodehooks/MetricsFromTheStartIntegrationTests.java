package dev.incodehooks;

import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counters' series exist at 0 before any traffic, so that Prometheus' {@code increase()} counts the
 * first event; then one webhook moves its series from 0 to 1 (compared before and after, never left over
 * from another test: each context here is its test's own).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.broadcast.sinks.crm.type=log" })
class MetricsFromTheStartIntegrationTests {

    private static final String ACCEPTED = "webhooks_intake_requests_total{outcome=\"accepted\",reason=\"none\",type=\"onboarding-status\"}";

    private static final String UNKNOWN_TYPE = "webhooks_intake_requests_total{outcome=\"rejected\",reason=\"unknown-type\",type=\"unknown\"}";

    private static final String MISSING_TOKEN = "webhooks_intake_requests_total{outcome=\"rejected\",reason=\"missing-token\",type=\"onboarding-status\"}";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void countersExistAtZeroBeforeAnyTraffic() throws Exception {
        String before = prometheus(this.managementPort);
        assertThat(before).contains(ACCEPTED + " 0.0")
            .contains("webhooks_intake_requests_total{outcome=\"rejected\",reason=\"forbidden-source\",type=\"ine-scraping\"} 0.0")
            .contains("webhooks_intake_requests_total{outcome=\"unavailable\",reason=\"inbox-unavailable\",type=\"onboarding-status\"} 0.0")
            .contains(UNKNOWN_TYPE + " 0.0")
            .contains("webhooks_broadcast_deliveries_total{outcome=\"dead\",sink=\"crm\"} 0.0")
            .contains("webhooks_broadcast_deliveries_total{outcome=\"delivered\",sink=\"crm\"} 0.0");
        assertThat(before).as("no bearer tokens without OAuth2").doesNotContain("missing-token", "oauth-token");
        assertThat(IncodeClient.to(this.port).onboarding(IncodePayloads.interviewId(), "EXPIRED")).isEqualTo(200);
        assertThat(IncodeClient.to(this.port).send("no-such-type", IncodePayloads.onboardingFinished())).isEqualTo(404);
        Eventually.until("counted", () -> prometheus(this.managementPort).contains(ACCEPTED + " 1.0")
                && prometheus(this.managementPort).contains(UNKNOWN_TYPE + " 1.0"));
    }

    /** With OAuth2 on, the bearer token's refusals (and, built in, the token URL's answers) are there too. */
    @Nested
    @TestPropertySource(properties = { "webhooks.security.oauth2.mode=built-in",
            "webhooks.security.oauth2.client-id=incode",
            "webhooks.security.oauth2.client-secrets=metrics-client-secret-0123",
            "webhooks.security.oauth2.signing-keys=q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=" })
    class WithOAuth2 {

        @LocalServerPort
        int port;

        @LocalManagementPort
        int managementPort;

        @Test
        void tokenRefusalsExistAtZeroBeforeAnyTraffic() throws Exception {
            String before = prometheus(this.managementPort);
            assertThat(before).contains(MISSING_TOKEN + " 0.0");
            for (String reason : List.of("invalid-token", "expired-token", "wrong-issuer", "wrong-audience")) {
                assertThat(before).contains("webhooks_intake_requests_total{outcome=\"rejected\",reason=\"" + reason
                        + "\",type=\"ine-scraping\"} 0.0");
            }
            assertThat(before)
                .contains("webhooks_intake_requests_total{outcome=\"unavailable\",reason=\"token-check-unavailable\",type=\"onboarding-status\"} 0.0")
                .contains("webhooks_intake_requests_total{outcome=\"accepted\",reason=\"none\",type=\"oauth-token\"} 0.0")
                .contains("webhooks_intake_requests_total{outcome=\"rejected\",reason=\"bad-client-credentials\",type=\"oauth-token\"} 0.0");
            assertThat(IncodeClient.to(this.port).onboarding(IncodePayloads.interviewId(), "EXPIRED")).isEqualTo(401);
            Eventually.until("counted", () -> prometheus(this.managementPort).contains(MISSING_TOKEN + " 1.0"));
        }
    }

    private static String prometheus(int managementPort) {
        try {
            return RawHttp.from("127.0.0.1", managementPort)
                .send("GET", "/actuator/prometheus", List.of(), new byte[0])
                .bodyText();
        }
        catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
