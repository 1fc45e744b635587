package dev.incodehooks.inbox;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.TestConsumer;
import dev.incodehooks.inbox.InboxAdmin.DeliveryView;
import dev.incodehooks.inbox.InboxAdmin.EventView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention purges delivered events past {@code webhooks.inbox.retention}, with their attempts, and keeps
 * pending and dead ones; audited actions go after the same time; a body seen again after the dedup window
 * is a new event. Both windows are tiny here.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.inbox.retention=1ms", "webhooks.inbox.dedup-window=1ms",
                "webhooks.broadcast.sinks.ok.type=log", "webhooks.broadcast.sinks.broken.type=http",
                "webhooks.broadcast.sinks.broken.types=ine-scraping",
                "webhooks.broadcast.sinks.broken.retry.max-attempts=1", "webhooks.broadcast.sinks.waiting.type=http",
                "webhooks.broadcast.sinks.waiting.statuses=EXPIRED",
                "webhooks.broadcast.sinks.waiting.retry.max-attempts=1000" })
class InboxRetentionIntegrationTests {

    static final TestConsumer refusing = TestConsumer.started((request) -> 500);

    static final TestConsumer down = TestConsumer.down();

    @LocalServerPort
    int port;

    @Autowired
    InboxAdmin admin;

    @Autowired
    InboxRetention retention;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void consumers(DynamicPropertyRegistry registry) {
        registry.add("webhooks.broadcast.sinks.broken.url", refusing::url);
        registry.add("webhooks.broadcast.sinks.waiting.url", down::url);
    }

    @AfterAll
    static void close() {
        refusing.close();
        down.close();
    }

    @Test
    void purgesDeliveredEventsAndKeepsPendingAndDeadOnes() throws Exception {
        IncodeClient incode = IncodeClient.to(this.port);
        String delivered = IncodePayloads.interviewId();
        String dead = IncodePayloads.interviewId();
        String pending = IncodePayloads.interviewId();
        byte[] deliveredBody = IncodePayloads.onboarding(delivered, "ONBOARDING_FINISHED");
        assertThat(incode.send("onboarding-status", deliveredBody)).isEqualTo(200);
        assertThat(incode.send("ine-scraping", IncodePayloads.ineScraping(dead, "FINISHED"))).isEqualTo(200);
        assertThat(incode.onboarding(pending, "EXPIRED")).isEqualTo(200);
        Eventually.until("settled", () -> state(delivered, "ok").equals("delivered")
                && state(dead, "broken").equals("dead") && attempts(pending, "waiting") >= 1);

        long purgedDelivery = delivery(delivered, "ok").id();
        long keptDelivery = delivery(dead, "broken").id();
        assertThat(attempts(purgedDelivery)).isEqualTo(1);
        assertThat(attempts(keptDelivery)).isEqualTo(1);
        this.admin.audit("retention-test", "reveal-payload", "event " + delivery(delivered, "ok").eventId(), 1);
        Thread.sleep(5);

        assertThat(this.retention.purge()).isPositive();

        assertThat(this.admin.events(delivered, null, null, 10)).isEmpty();
        assertThat(this.admin.events(dead, null, null, 10)).hasSize(1);
        assertThat(this.admin.events(pending, null, null, 10)).hasSize(1);
        assertThat(attempts(purgedDelivery)).as("purged with its event").isZero();
        assertThat(attempts(keptDelivery)).isEqualTo(1);
        assertThat(this.admin.audit(100)).noneMatch((entry) -> entry.actor().equals("retention-test"));

        // Past the dedup window, the same body is a new event again.
        assertThat(incode.send("onboarding-status", deliveredBody)).isEqualTo(200);
        assertThat(this.admin.events(delivered, null, null, 10)).hasSize(1);
    }

    private long attempts(long deliveryId) {
        return this.jdbc.sql("SELECT COUNT(*) FROM webhook_attempt WHERE delivery_id = :id")
            .param("id", deliveryId)
            .query(Long.class)
            .single();
    }

    private String state(String interviewId, String sink) {
        return delivery(interviewId, sink).state();
    }

    private int attempts(String interviewId, String sink) {
        return delivery(interviewId, sink).attempts();
    }

    private DeliveryView delivery(String interviewId, String sink) {
        List<EventView> events = this.admin.events(interviewId, null, null, 10);
        return events.get(0).deliveries().stream().filter((d) -> d.sink().equals(sink)).findFirst().orElseThrow();
    }
}
