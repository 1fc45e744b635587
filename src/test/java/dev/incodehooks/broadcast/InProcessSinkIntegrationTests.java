package dev.incodehooks.broadcast;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.event.WebhookEvent;
import dev.incodehooks.inbox.InboxAdmin;
import dev.incodehooks.inbox.InboxAdmin.AttemptView;
import dev.incodehooks.inbox.InboxAdmin.DeliveryDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An in-process listener is held to its sink's timeout like any other consumer: a listener still busy at
 * the timeout is interrupted, the attempt counts as failed with the timeout as its error, and the next
 * attempt, once the listener is quick again, delivers the event. A failure's text holding control
 * characters is recorded without them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.broadcast.sinks.listener.type=in-process", "webhooks.broadcast.sinks.listener.timeout=3s",
                "webhooks.broadcast.sinks.listener.retry.initial-interval=100ms" })
@Import(InProcessSinkIntegrationTests.SlowOnceListener.class)
class InProcessSinkIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    InboxAdmin admin;

    @Autowired
    SlowOnceListener listener;

    @Test
    void interruptsAListenerStillBusyAtTheTimeoutAndTriesAgain() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        assertThat(IncodeClient.to(this.port).onboarding(interviewId, "ONBOARDING_FINISHED")).isEqualTo(200);
        assertThat(this.listener.interrupted.await(30, TimeUnit.SECONDS)).as("the slow listener interrupted").isTrue();
        Eventually.until("delivered on the next attempt", () -> detail(interviewId).delivery().state().equals("delivered"));
        assertThat(detail(interviewId).attempts()).extracting(AttemptView::outcome).containsExactly("failed", "delivered");
        assertThat(detail(interviewId).attempts().get(0).error()).startsWith("Timed out after 3000 ms");
    }

    /**
     * A listener whose exception quotes a value holding control characters (a NUL: PostgreSQL's text
     * refuses it): the failed attempt is recorded all the same, with the characters replaced.
     */
    @Test
    void recordsAFailureWhoseMessageHoldsControlCharacters() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        assertThat(IncodeClient.to(this.port).onboarding(interviewId, QUOTING)).isEqualTo(200);
        Eventually.until("the failed attempt recorded", () -> !detail(interviewId).attempts().isEmpty());
        assertThat(detail(interviewId).delivery().attempts()).isPositive();
        assertThat(detail(interviewId).attempts().get(0).error())
            .isEqualTo("IllegalArgumentException: Unsupported note 'a?b'");
    }

    private DeliveryDetail detail(String interviewId) {
        String eventId = this.admin.events(interviewId, null, null, 1).get(0).id();
        return this.admin.event(eventId).orElseThrow().deliveries().get(0);
    }

    /** A status the listener refuses, quoting a value that holds a NUL. */
    static final String QUOTING = "QUOTED_NOTE";

    /**
     * Busy far longer than the timeout with each event's first attempt, until interrupted; refuses the
     * {@link #QUOTING} status every time.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class SlowOnceListener {

        final Set<String> seen = ConcurrentHashMap.newKeySet();

        final CountDownLatch interrupted = new CountDownLatch(1);

        @EventListener
        void on(WebhookEvent event) throws InterruptedException {
            if (QUOTING.equals(event.status())) {
                throw new IllegalArgumentException("Unsupported note 'a\u0000b'");
            }
            if (this.seen.add(event.interviewId())) {
                try {
                    Thread.sleep(60_000);
                }
                catch (InterruptedException ex) {
                    this.interrupted.countDown();
                    throw ex;
                }
            }
        }
    }
}
