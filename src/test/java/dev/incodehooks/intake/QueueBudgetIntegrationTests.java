package dev.incodehooks.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.incodehooks.IncodePayloads;
import dev.incodehooks.RawHttp;
import dev.incodehooks.StalledStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer's queue is bounded in bytes as well as in count: past {@code webhooks.inbox.queue-bytes} a
 * webhook is answered {@code 503} with {@code Retry-After}, so a burst of large bodies cannot exhaust the
 * heap. The budget is tiny here: one body of a few hundred bytes is over it. Past
 * {@code webhooks.inbox.queue-capacity} writes, likewise: here two, with the writer held by a lock.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.inbox.queue-bytes=200B", "webhooks.inbox.queue-capacity=2" })
@ExtendWith(OutputCaptureExtension.class)
class QueueBudgetIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

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

    @Test
    void refusesAtOnceWhatFindsTheQueueFull(CapturedOutput output) throws Exception {
        try (StalledStore stalledStore = StalledStore.hold(this.dataSource)) {
            ExecutorService senders = Executors.newFixedThreadPool(4);
            List<Future<RawHttp.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(senders.submit(() -> post(IncodePayloads.onboarding(IncodePayloads.interviewId(), "EXPIRED"))));
            }
            for (Future<RawHttp.Response> answer : answers) {
                RawHttp.Response response = answer.get(30, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.header("Retry-After")).isEqualTo("30");
            }
            senders.shutdown();
        }
        assertThat(output).contains("queue full");
    }

    private RawHttp.Response post(byte[] body) throws Exception {
        return RawHttp.from("127.0.0.1", this.port)
            .send("POST", "/webhooks/incode/onboarding-status", List.of("Content-Type: application/json"), body);
    }
}
