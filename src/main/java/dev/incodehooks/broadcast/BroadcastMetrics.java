package dev.incodehooks.broadcast;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.incodehooks.inbox.JdbcInbox;
import dev.incodehooks.inbox.JdbcInbox.PendingDeliveries;

/**
 * Delivery metrics: {@code webhooks.broadcast.deliveries{sink,outcome}},
 * {@code webhooks.broadcast.lag{sink}} (received to delivered), and from the store
 * {@code webhooks.broadcast.pending{sink}} and {@code webhooks.broadcast.oldest.pending.age{sink}}, read
 * at most once per {@link #STATS_TTL} however often they are scraped.
 */
final class BroadcastMetrics {

    static final Duration STATS_TTL = Duration.ofSeconds(5);

    private final MeterProvider<Counter> deliveries;

    private final MeterProvider<Timer> lag;

    private final JdbcInbox inbox;

    private final Clock clock;

    private volatile Map<String, PendingDeliveries> pending = Map.of();

    private volatile long pendingReadAt = Long.MIN_VALUE;

    BroadcastMetrics(MeterRegistry registry, JdbcInbox inbox, Clock clock, Set<String> sinks) {
        this.inbox = inbox;
        this.clock = clock;
        this.deliveries = Counter.builder("webhooks.broadcast.deliveries")
            .description("Delivery attempts by sink and outcome (delivered, retry, dead)")
            .withRegistry(registry);
        this.lag = Timer.builder("webhooks.broadcast.lag")
            .description("Time from receiving an event to delivering it to a sink")
            .publishPercentileHistogram()
            .withRegistry(registry);
        for (String sink : sinks) {
            Gauge.builder("webhooks.broadcast.pending", () -> pending(sink).count())
                .description("Deliveries waiting for a sink")
                .tag("sink", sink)
                .register(registry);
            Gauge.builder("webhooks.broadcast.oldest.pending.age", () -> oldestPendingAge(sink))
                .description("Age of the oldest event still waiting for a sink")
                .tag("sink", sink)
                .baseUnit("seconds")
                .register(registry);
        }
    }

    void delivered(String sink, Duration lag) {
        this.deliveries.withTags("sink", sink, "outcome", "delivered").increment();
        this.lag.withTags("sink", sink).record(lag);
    }

    void failed(String sink, String outcome) {
        this.deliveries.withTags("sink", sink, "outcome", outcome).increment();
    }

    private double oldestPendingAge(String sink) {
        PendingDeliveries pending = pending(sink);
        if (pending.count() == 0) {
            return 0;
        }
        return Duration.between(pending.oldestReceivedAt(), this.clock.instant()).toMillis() / 1000.0;
    }

    private PendingDeliveries pending(String sink) {
        long now = this.clock.millis();
        if (now - this.pendingReadAt > STATS_TTL.toMillis()) {
            this.pending = this.inbox.pending();
            this.pendingReadAt = now;
        }
        return this.pending.getOrDefault(sink, new PendingDeliveries(0, this.clock.instant()));
    }
}
