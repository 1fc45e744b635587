package dev.incodehooks.inbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.event.IncomingWebhook;
import dev.incodehooks.inbox.Inbox.Acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * One event the store refuses, in the same group commit as fifty good ones: only that one is refused. But
 * every event refused, one after another, is the store's failure, and health says so.
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
    ApplicationContext context;

    @Autowired
    InboxAdmin admin;

    @Autowired
    DataSource dataSource;

    @Autowired
    InboxHealthIndicator health;

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
        try (HeldWriter held = HeldWriter.hold(this.context)) {
            // Everything queues while the writer is held, and goes in one batch.
            for (int i = 0; i < GOOD / 2; i++) {
                goodResults.add(accept(callers, good));
            }
            badResult = callers.submit(() -> this.inbox.accept(bad));
            for (int i = GOOD / 2; i < GOOD; i++) {
                goodResults.add(accept(callers, good));
            }
            Eventually.until("all queued", () -> held.queued() >= GOOD + 1);
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

    /**
     * Every event refused as if for its values (a column this replica does not fill, after a newer version's
     * migration on a shared store): five in a row, none stored between them, and health is DOWN, naming the
     * cause; once an event is stored again, UP.
     */
    @Test
    void healthIsDownWhileEveryEventIsRefused() throws Exception {
        execute(this.postgres() ? new String[] {
                "CREATE FUNCTION refuse_all() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'null value in column'"
                        + " USING ERRCODE = 'not_null_violation'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_all BEFORE INSERT ON webhook_event FOR EACH ROW EXECUTE FUNCTION refuse_all()" }
                : new String[] { "CREATE TRIGGER refuse_all BEFORE INSERT ON webhook_event BEGIN SELECT RAISE(ABORT, "
                        + "'NOT NULL constraint failed'); END" });
        try {
            for (int i = 0; i < InboxWriter.REFUSED_IN_A_ROW; i++) {
                String interviewId = IncodePayloads.interviewId();
                assertThatExceptionOfType(InboxUnavailableException.class)
                    .isThrownBy(() -> this.inbox.accept(webhook(interviewId, "ONBOARDING_FINISHED")));
            }
            Health health = this.health.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(String.valueOf(health.getDetails().get("reason"))).contains("events in a row refused");
        }
        finally {
            execute("DROP TRIGGER refuse_all" + (this.postgres() ? " ON webhook_event" : ""));
        }
        String interviewId = IncodePayloads.interviewId();
        assertThat(this.inbox.accept(webhook(interviewId, "ONBOARDING_FINISHED"))).isEqualTo(Acceptance.STORED);
        assertThat(this.health.health().getStatus()).isEqualTo(Status.UP);
    }

    private boolean postgres() throws SQLException {
        try (Connection connection = this.dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName().equals("PostgreSQL");
        }
    }

    private void execute(String... statements) throws SQLException {
        try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
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
