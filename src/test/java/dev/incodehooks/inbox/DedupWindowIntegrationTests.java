package dev.incodehooks.inbox;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.SettableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default dedup window ({@code webhooks.inbox.dedup-window} unset) is one hour: it covers Incode's
 * retries (about 32 minutes) and no more, so a legitimate repeat of the same body later on is a new event.
 * The inbox's clock is moved instead of waiting; the context is this class's own.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32" })
@Import(SettableClock.InPlace.class)
class DedupWindowIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    SettableClock clock;

    @Autowired
    InboxAdmin admin;

    @Test
    void aRepeatWithinTheHourIsADuplicateAndOneAfterItANewEvent() throws Exception {
        IncodeClient incode = IncodeClient.to(this.port);
        String interviewId = IncodePayloads.interviewId();
        byte[] body = IncodePayloads.onboarding(interviewId, "MANUAL_REVIEW_APPROVED");
        assertThat(incode.send("onboarding-status", body)).isEqualTo(200);
        assertThat(this.admin.events(interviewId, null, null, 10)).hasSize(1);
        Duration moved = Duration.ZERO;
        try {
            // Past Incode's last retry (about 32 minutes), still within the hour: a retry, stored once.
            this.clock.advance(Duration.ofMinutes(33));
            moved = moved.plusMinutes(33);
            assertThat(incode.send("onboarding-status", body)).isEqualTo(200);
            assertThat(this.admin.events(interviewId, null, null, 10)).as("a duplicate at 33 minutes").hasSize(1);
            // Past the hour: the same body again is a new event (a second review with the same outcome).
            this.clock.advance(Duration.ofMinutes(28));
            moved = moved.plusMinutes(28);
            assertThat(incode.send("onboarding-status", body)).isEqualTo(200);
            assertThat(this.admin.events(interviewId, null, null, 10)).as("a new event at 61 minutes").hasSize(2);
        }
        finally {
            this.clock.advance(moved.negated());
        }
    }
}
