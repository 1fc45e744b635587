package dev.incodehooks.broadcast;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.incodehooks.event.WebhookEvent;
import dev.incodehooks.inbox.MemoryInbox;

import static org.assertj.core.api.Assertions.assertThat;

class BroadcasterTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void failingSinkNeverStopsTheOthers() {
        List<WebhookEvent> first = new ArrayList<>();
        List<WebhookEvent> last = new ArrayList<>();
        Broadcaster broadcaster = new Broadcaster(new MemoryInbox(1),
                List.of(sink("first", first::add), sink("broken", (event) -> {
                    throw new IllegalStateException("down");
                }), sink("last", last::add)), this.registry);
        WebhookEvent event = event();
        broadcaster.broadcast(event);
        assertThat(first).containsExactly(event);
        assertThat(last).containsExactly(event);
        assertThat(count("broken", "failed")).isEqualTo(1);
        assertThat(count("first", "delivered")).isEqualTo(1);
        assertThat(count("last", "delivered")).isEqualTo(1);
    }

    @Test
    void deliversWhatTheInboxTakesOnItsOwnThread() throws Exception {
        MemoryInbox inbox = new MemoryInbox(10);
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch delivered = new java.util.concurrent.CountDownLatch(1);
        Broadcaster broadcaster = new Broadcaster(inbox, List.of(sink("probe", (event) -> {
            threads.add(Thread.currentThread().getName());
            delivered.countDown();
        })), this.registry);
        broadcaster.start();
        try {
            inbox.accept(event());
            assertThat(delivered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(threads).containsExactly("broadcaster");
        }
        finally {
            broadcaster.stop();
        }
        assertThat(broadcaster.isRunning()).isFalse();
    }

    private double count(String sink, String outcome) {
        return this.registry.get("webhooks.broadcast.deliveries").tags("sink", sink, "outcome", outcome).counter().count();
    }

    private static WebhookEvent event() {
        return new WebhookEvent(UUID.randomUUID(), "onboarding-status", "64f1c0ffee0123456789abcd", "ONBOARDING_FINISHED",
                Instant.now(), "18.210.119.234", "{}".getBytes(StandardCharsets.UTF_8));
    }

    private static EventSink sink(String name, Delivery delivery) {
        return new EventSink() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void deliver(WebhookEvent event) {
                delivery.deliver(event);
            }
        };
    }

    private interface Delivery {

        void deliver(WebhookEvent event);

    }
}
