package dev.incodehooks;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counters' series exist at 0 before any traffic, so that Prometheus' {@code increase()} counts the
 * first event; then one webhook moves its series from 0 to 1 (compared before and after, never left over
 * from another test: this context is this class's own).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.broadcast.sinks.crm.type=log" })
class MetricsFromTheStartIntegrationTests {

    private static final String ACCEPTED = "webhooks_intake_requests_total{outcome=\"accepted\",reason=\"none\",type=\"onboarding-status\"}";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void countersExistAtZeroBeforeAnyTraffic() throws Exception {
        String before = prometheus();
        assertThat(before).contains(ACCEPTED + " 0.0")
            .contains("webhooks_intake_requests_total{outcome=\"rejected\",reason=\"forbidden-source\",type=\"ine-scraping\"} 0.0")
            .contains("webhooks_intake_requests_total{outcome=\"unavailable\",reason=\"inbox-unavailable\",type=\"onboarding-status\"} 0.0")
            .contains("webhooks_broadcast_deliveries_total{outcome=\"dead\",sink=\"crm\"} 0.0")
            .contains("webhooks_broadcast_deliveries_total{outcome=\"delivered\",sink=\"crm\"} 0.0");
        assertThat(IncodeClient.to(this.port).onboarding(IncodePayloads.interviewId(), "EXPIRED")).isEqualTo(200);
        Eventually.until("counted", () -> prometheus().contains(ACCEPTED + " 1.0"));
    }

    private String prometheus() {
        try {
            return RawHttp.from("127.0.0.1", this.managementPort)
                .send("GET", "/actuator/prometheus", List.of(), new byte[0])
                .bodyText();
        }
        catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
