package dev.incodehooks.intake;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;

import dev.incodehooks.IncodePayloads;
import dev.incodehooks.RawHttp;
import dev.incodehooks.event.WebhookEvent;
import dev.incodehooks.inbox.MemoryInbox;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the inbox cannot take an event the answer is {@code 503} with {@code Retry-After}, never
 * {@code 200}: Incode retries and nothing acknowledged is lost. The inbox is made full for real: room for
 * one event, and an in-process consumer that holds the broadcaster until the test lets it go.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32" })
class InboxUnavailableIntegrationTests {

    private static final String PATH = "/webhooks/incode/onboarding-status";

    @LocalServerPort
    int port;

    @Autowired
    SlowConsumer consumer;

    @AfterEach
    void release() {
        this.consumer.release.countDown();
    }

    @Test
    void answersServiceUnavailableWhenTheInboxIsFull() throws Exception {
        assertThat(post().status()).isEqualTo(200);
        assertThat(this.consumer.busy.await(10, TimeUnit.SECONDS)).as("broadcaster took the first event").isTrue();
        assertThat(post().status()).as("fills the one free place").isEqualTo(200);
        RawHttp.Response refused = post();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("30");
        assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
    }

    private RawHttp.Response post() throws Exception {
        return RawHttp.from("127.0.0.1", this.port)
            .send("POST", PATH, List.of("Content-Type: application/json"), IncodePayloads.onboardingFinished());
    }

    static class SlowConsumer {

        final CountDownLatch busy = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        @EventListener
        void on(WebhookEvent event) throws InterruptedException {
            this.busy.countDown();
            this.release.await(30, TimeUnit.SECONDS);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Config {

        @Bean
        @Primary
        MemoryInbox tinyInbox() {
            return new MemoryInbox(1);
        }

        @Bean
        SlowConsumer slowConsumer() {
            return new SlowConsumer();
        }
    }
}
