package dev.incodehooks.intake;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.incodehooks.IncodePayloads;
import dev.incodehooks.RawHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer's queue is bounded in bytes as well as in count: past {@code webhooks.inbox.queue-bytes} a
 * webhook is answered {@code 503} with {@code Retry-After}, so a burst of large bodies cannot exhaust the
 * heap. The budget is tiny here: one body of a few hundred bytes is over it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.inbox.queue-bytes=200B" })
class QueueBudgetIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void refusesWhatWouldPassTheByteBudgetAndTakesWhatFits() throws Exception {
        byte[] small = IncodePayloads.onboarding(IncodePayloads.interviewId(), "EXPIRED");
        byte[] large = IncodePayloads.utf8(new String(small).replace("\"clientId\":\"acme\"",
                "\"clientId\":\"" + "a".repeat(300) + "\""));
        assertThat(small.length).isLessThan(200);
        assertThat(large.length).isGreaterThan(200);
        assertThat(post(small).status()).isEqualTo(200);
        RawHttp.Response refused = post(large);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("30");
        assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
    }

    private RawHttp.Response post(byte[] body) throws Exception {
        return RawHttp.from("127.0.0.1", this.port)
            .send("POST", "/webhooks/incode/onboarding-status", List.of("Content-Type: application/json"), body);
    }
}
