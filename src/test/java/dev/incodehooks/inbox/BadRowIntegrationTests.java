package dev.incodehooks.inbox;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.StalledStore;
import dev.incodehooks.event.IncomingWebhook;
import dev.incodehooks.inbox.Inbox.Acceptance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One event the store refuses, in the same group commit as fifty good ones: only that one is refused.
 * The writer is held (a real lock from another connection) until all fifty-one are queued, so they share a
 * batch (a heartbeat waits inside the lock ahead of them). The refused value: on PostgreSQL a status holding NUL (valid JSON, refused by {@code text}; the
 * web intake refuses it earlier with 400, so it comes straight to the inbox here); on SQLite a trigger that
 * refuses one interview id.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.inbox.commit-deadline=20s" })
class BadRowIntegrationTests {

    private static final int GOOD = 50;

    @Autowired
    Inbox inbox;

    @Autowired
    InboxWriter writer;

    @Autowired
    InboxAdmin admin;

    @Autowired
    DataSource dataSource;

    @Test
    void oneRefusedEventFailsOnlyItselfNotItsBatch() throws Exception {
        String poison = IncodePayloads.interviewId();
        boolean postgres;
        try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            postgres = connection.getMetaData().getDatabaseProductName().equals("PostgreSQL");
            if (!postgres) {
                statement.execute("CREATE TRIGGER poison BEFORE INSERT ON webhook_event WHEN NEW.interview_id = '"
                        + poison + "' BEGIN SELECT RAISE(ABORT, 'refused'); END");
            }
        }
        IncomingWebhook bad = webhook(poison, postgres ? "ONBOARDING\u0000FINISHED" : "ONBOARDING_FINISHED");
        List<String> good = new ArrayList<>();
        List<Future<Acceptance>> goodResults = new ArrayList<>();
        Future<Acceptance> badResult;
        ExecutorService callers = Executors.newFixedThreadPool(GOOD + 1);
        try (StalledStore stalledStore = StalledStore.hold(this.dataSource)) {
            // A heartbeat takes the writer into the lock; everything after it queues, and goes in one batch.
            assertThat(this.writer.offer(new InboxWriter.Heartbeat(new CompletableFuture<>()))).isTrue();
            Eventually.until("the writer held", () -> this.writer.queued() == 0);
            for (int i = 0; i < GOOD / 2; i++) {
                goodResults.add(accept(callers, good));
            }
            badResult = callers.submit(() -> this.inbox.accept(bad));
            for (int i = GOOD / 2; i < GOOD; i++) {
                goodResults.add(accept(callers, good));
            }
            Eventually.until("all queued", () -> this.writer.queued() >= GOOD + 1);
        }
        int stored = 0;
        for (Future<Acceptance> result : goodResults) {
            try {
                if (result.get(30, TimeUnit.SECONDS) == Acceptance.STORED) {
                    stored++;
                }
            }
            catch (ExecutionException ex) {
                // Counted as not stored.
            }
        }
        Throwable refused = null;
        try {
            badResult.get(30, TimeUnit.SECONDS);
        }
        catch (ExecutionException ex) {
            refused = ex.getCause();
        }
        callers.shutdown();
        System.out.printf("bad row test (%s): good stored=%d of %d, bad refused=%s%n", postgres ? "postgresql" : "sqlite",
                stored, good.size(), refused);
        assertThat(stored).isEqualTo(GOOD);
        assertThat(refused).isInstanceOf(InboxUnavailableException.class);
        assertThat(this.admin.events(poison, null, null, 1)).isEmpty();
        assertThat(good).allSatisfy((id) -> assertThat(this.admin.events(id, null, null, 1)).hasSize(1));
    }

    private Future<Acceptance> accept(ExecutorService callers, List<String> good) {
        String interviewId = IncodePayloads.interviewId();
        good.add(interviewId);
        return callers.submit(() -> this.inbox.accept(webhook(interviewId, "ONBOARDING_FINISHED")));
    }

    private static IncomingWebhook webhook(String interviewId, String status) {
        return new IncomingWebhook("onboarding-status", interviewId, status, "127.0.0.1",
                IncodePayloads.onboarding(interviewId, status.replace("\u0000", "\\u0000")));
    }
}
