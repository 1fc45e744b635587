package dev.incodehooks.intake;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.incodehooks.IncodePayloads;
import dev.incodehooks.RawHttp;
import dev.incodehooks.WebhookReceived;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code webhooks.response=no-content}: every accepted webhook, INE included, is answered {@code 204}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.response=no-content",
                "webhooks.security.allowed-sources=127.0.0.1/32" })
@Import(WebhookReceived.class)
class NoContentResponseIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    WebhookReceived received;

    @Test
    void answersNoContent() throws Exception {
        for (String path : List.of("/webhooks/incode/onboarding-status", "/webhooks/incode/ine-scraping")) {
            byte[] body = path.endsWith("ine-scraping")
                    ? IncodePayloads.ineScraping(IncodePayloads.interviewId(), "FINISHED")
                    : IncodePayloads.onboardingFinished();
            RawHttp.Response response = RawHttp.from("127.0.0.1", this.port)
                .send("POST", path, List.of("Content-Type: application/json"), body);
            assertThat(response.status()).as(path).isEqualTo(204);
            assertThat(response.body()).isEmpty();
            assertThat(this.received.of(body).body()).isEqualTo(body);
        }
    }

    @Test
    void stillRejectsWithProblems() throws Exception {
        RawHttp.Response response = RawHttp.from("127.0.0.1", this.port)
            .send("POST", "/webhooks/incode/onboarding-status", List.of("Content-Type: application/json"),
                    IncodePayloads.utf8("{}"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
    }
}
