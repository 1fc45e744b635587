package dev.incodehooks.inbox;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.RawHttp;
import dev.incodehooks.StalledStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store that stalls past the commit deadline: the webhook is answered {@code 503}, and its event is not
 * committed later, when the store comes back (it would then appear after events received after it; on
 * PostgreSQL, after the ordering allowance). The stall is a real lock, held by another connection.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.inbox.commit-deadline=1s" })
class StalledCommitIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    InboxAdmin admin;

    @Test
    void anEventRefusedAtTheDeadlineIsNeverCommittedAfterIt() throws Exception {
        IncodeClient incode = IncodeClient.to(this.port);
        String stalled = IncodePayloads.interviewId();
        try (StalledStore stalledStore = StalledStore.hold(this.dataSource)) {
            RawHttp.Response answer = RawHttp.from("127.0.0.1", this.port)
                .send("POST", "/webhooks/incode/onboarding-status", List.of("Content-Type: application/json"),
                        IncodePayloads.onboarding(stalled, "ONBOARDING_FINISHED"));
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.header("Retry-After")).as("Incode is told when to retry").isEqualTo("30");
            assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
        }
        // The writer takes writes in order: once a later event is committed, the stalled one was dealt with.
        // Sent again on a 503, as Incode does: the deadline is short here, and a loaded machine can miss it.
        String later = IncodePayloads.interviewId();
        sentUntilStored(incode, later);
        assertThat(this.admin.events(later, null, null, 1)).hasSize(1);
        assertThat(this.admin.events(stalled, null, null, 1)).as("refused, so never committed").isEmpty();
        // Incode retries: the retry is stored, once.
        sentUntilStored(incode, stalled);
        assertThat(this.admin.events(stalled, null, null, 10)).hasSize(1);
    }

    private static void sentUntilStored(IncodeClient incode, String interviewId) throws InterruptedException {
        Eventually.until("answered 200", () -> {
            try {
                return incode.onboarding(interviewId, "ONBOARDING_FINISHED") == 200;
            }
            catch (Exception ex) {
                return false;
            }
        });
    }
}
