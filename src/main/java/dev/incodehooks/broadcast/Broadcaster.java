package dev.incodehooks.broadcast;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.incodehooks.event.WebhookEvent;
import dev.incodehooks.inbox.MemoryInbox;

/**
 * Takes events from the inbox on its own thread, never the request thread, and hands each to every
 * {@link EventSink}. A sink that throws is counted and logged and never stops the others.
 */
public class Broadcaster implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(Broadcaster.class);

    private static final Duration POLL = Duration.ofMillis(200);

    private final MemoryInbox inbox;

    private final List<EventSink> sinks;

    private final MeterProvider<Counter> deliveries;

    private volatile boolean running;

    private @Nullable Thread worker;

    Broadcaster(MemoryInbox inbox, List<EventSink> sinks, MeterRegistry registry) {
        this.inbox = inbox;
        this.sinks = List.copyOf(sinks);
        this.deliveries = Counter.builder("webhooks.broadcast.deliveries")
            .description("Deliveries to sinks by outcome")
            .withRegistry(registry);
    }

    /** Hands one event to every sink, each on its own. */
    void broadcast(WebhookEvent event) {
        for (EventSink sink : this.sinks) {
            try {
                sink.deliver(event);
                this.deliveries.withTags("sink", sink.name(), "outcome", "delivered").increment();
            }
            catch (Exception ex) {
                this.deliveries.withTags("sink", sink.name(), "outcome", "failed").increment();
                logger.warn("Sink {} failed on event {} ({}): {}", sink.name(), event.id(), event.type(),
                        ex.getClass().getSimpleName());
            }
        }
    }

    private void run() {
        while (this.running) {
            try {
                WebhookEvent event = this.inbox.poll(POLL);
                if (event != null) {
                    broadcast(event);
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void start() {
        this.running = true;
        this.worker = new Thread(this::run, "broadcaster");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    @Override
    public void stop() {
        this.running = false;
        Thread thread = this.worker;
        if (thread == null) {
            return;
        }
        try {
            thread.join(POLL.multipliedBy(5).toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }
}
