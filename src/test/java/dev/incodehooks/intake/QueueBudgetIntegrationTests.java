package dev.incodehooks.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import dev.incodehooks.IncodePayloads;
import dev.incodehooks.RawHttp;
import dev.incodehooks.StalledStore;
import dev.incodehooks.inbox.HeldWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer's queue is bounded in bytes as well as in count: past {@code webhooks.inbox.queue-bytes} a
 * webhook is answered {@code 503} with {@code Retry-After}, so a burst of large bodies cannot exhaust the
 * heap. The budget is tiny here, a kilobyte (and so is the largest body, which must fit in it: start-up
 * refuses a budget smaller than {@code webhooks.max-body-size}). Past {@code webhooks.inbox.queue-capacity}
 * writes, likewise: here two (the small bodies queued then stay well within the byte budget, so it is the
 * count that refuses). The writer is held inside a stalled store, waiting for the lock as long as it takes,
 * and the commit deadline is far away: nothing but the budget can answer while it is held.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.inbox.queue-bytes=1KB", "webhooks.max-body-size=1KB", "webhooks.inbox.queue-capacity=2",
                "webhooks.inbox.commit-deadline=60s",
                "spring.datasource.url=jdbc:sqlite:./target/test-stores/${random.uuid}.db?journal_mode=WAL"
                        + "&synchronous=FULL&busy_timeout=60000" })
@ExtendWith(OutputCaptureExtension.class)
class QueueBudgetIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Test
    void refusesAtOnceWhatFindsTheQueueFull(CapturedOutput output) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(3);
        try {
            CompletionService<RawHttp.Response> answers = new ExecutorCompletionService<>(senders);
            try (HeldWriter held = HeldWriter.hold(this.context)) {
                for (int i = 0; i < 3; i++) {
                    answers.submit(() -> post(IncodePayloads.onboarding(IncodePayloads.interviewId(), "EXPIRED")));
                }
                // Two in the queue, and the writer takes none while held: the third, whichever it is, is refused.
                Future<RawHttp.Response> first = answers.poll(30, TimeUnit.SECONDS);
                assertThat(first).as("an answer while the writer is held").isNotNull();
                assertThat(first.get().status()).isEqualTo(503);
                assertThat(first.get().header("Retry-After")).isEqualTo("30");
                assertThat(output).contains("queue full");
                assertThat(held.queued()).isEqualTo(2);
            }
            for (int i = 1; i < 3; i++) {
                Future<RawHttp.Response> next = answers.poll(30, TimeUnit.SECONDS);
                assertThat(next).as("an answer once the writer goes on").isNotNull();
                assertThat(next.get().status()).as("a webhook that was queued").isEqualTo(200);
            }
        }
        finally {
            senders.shutdownNow();
        }
    }

    private RawHttp.Response post(byte[] body) throws Exception {
        return post(this.port, body);
    }

    private static RawHttp.Response post(int port, byte[] body) throws Exception {
        return RawHttp.from("127.0.0.1", port)
            .send("POST", "/webhooks/incode/onboarding-status", List.of("Content-Type: application/json"), body);
    }

    /**
     * Bodies that each fit the budget add up past it while the writer is stalled: those that fit wait for
     * their commit, the one past the budget is refused at once. The count of writes is no limit here.
     */
    @Nested
    @TestPropertySource(properties = "webhooks.inbox.queue-capacity=20000")
    class WhileTheWriterIsStalled {

        @LocalServerPort
        int port;

        @Autowired
        DataSource dataSource;

        @Test
        void refusesAtOnceTheBodyPastTheBudgetAndTakesThoseThatFit() throws Exception {
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                bodies.add(IncodePayloads.utf8(new String(IncodePayloads.onboarding(IncodePayloads.interviewId(), "EXPIRED"))
                    .replace("\"clientId\":\"acme\"", "\"clientId\":\"" + "a".repeat(300) + "\"")));
            }
            // Two fit in the budget together, three do not, whichever comes last.
            assertThat(bodies).allSatisfy((body) -> assertThat(body.length).isBetween(1024 / 3 + 1, 1024 / 2));
            ExecutorService senders = Executors.newFixedThreadPool(bodies.size());
            try {
                CompletionService<Answer> answers = new ExecutorCompletionService<>(senders);
                Answer refused;
                try (StalledStore stalledStore = StalledStore.hold(this.dataSource)) {
                    for (byte[] body : bodies) {
                        answers.submit(() -> new Answer(body, post(this.port, body)));
                    }
                    // Nothing can be committed while the lock is held: the first answer is the refusal.
                    Future<Answer> first = answers.poll(30, TimeUnit.SECONDS);
                    assertThat(first).as("an answer while the writer is stalled").isNotNull();
                    refused = first.get();
                    assertThat(refused.response().status()).isEqualTo(503);
                    assertThat(refused.response().header("Retry-After")).isEqualTo("30");
                    assertThat(refused.response().header("Content-Type")).isEqualTo("application/problem+json");
                }
                for (int i = 1; i < bodies.size(); i++) {
                    Future<Answer> next = answers.poll(30, TimeUnit.SECONDS);
                    assertThat(next).as("an answer once the stall has ended").isNotNull();
                    assertThat(next.get().response().status()).as("a body that fitted").isEqualTo(200);
                }
                // Refused for what was queued ahead of it, not for its own size: with the queue drained, it fits.
                assertThat(post(this.port, refused.body()).status()).isEqualTo(200);
            }
            finally {
                senders.shutdownNow();
            }
        }
    }

    private record Answer(byte[] body, RawHttp.Response response) {
    }
}
