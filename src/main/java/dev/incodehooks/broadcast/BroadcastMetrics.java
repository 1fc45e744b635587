package dev.incodehooks.broadcast;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.incodehooks.broadcast.BroadcastProperties.SinkProperties;
import dev.incodehooks.inbox.DeliveryQueue;
import dev.incodehooks.inbox.DeliveryQueue.Backlog;

/**
 * Delivery metrics: {@code webhooks.broadcast.deliveries{sink,outcome}},
 * {@code webhooks.broadcast.lag{sink}} (received to delivered), and from the store
 * {@code webhooks.broadcast.pending{sink}}, {@code webhooks.broadcast.held{sink}} (held back behind a dead
 * delivery of their interview, on an ordered sink), {@code webhooks.broadcast.oldest.pending.age{sink}} and
 * {@code webhooks.broadcast.unconfigured} (waiting deliveries of sinks no longer configured), read at most
 * once per {@link #STATS_TTL} however often they are scraped.
 */
final class BroadcastMetrics {

    static final Duration STATS_TTL = Duration.ofSeconds(5);

    private static final Backlog NONE = new Backlog(0, 0, 0, java.time.Instant.EPOCH);

    private final MeterProvider<Counter> deliveries;

    private final MeterProvider<Timer> lag;

    private final DeliveryQueue queue;

    private final Clock clock;

    private final Map<String, SinkProperties> sinks;

    private volatile Map<String, Backlog> backlog = Map.of();

    /** Epoch milliseconds of the last read; 0 reads at the first scrape (MIN_VALUE would overflow: never). */
    private volatile long backlogReadAt;

    BroadcastMetrics(MeterRegistry registry, DeliveryQueue queue, Clock clock, Map<String, SinkProperties> sinks) {
        this.queue = queue;
        this.clock = clock;
        this.sinks = sinks;
        this.deliveries = Counter.builder("webhooks.broadcast.deliveries")
            .description("Delivery attempts by sink and outcome (delivered, retry, dead)")
            .withRegistry(registry);
        this.lag = Timer.builder("webhooks.broadcast.lag")
            .description("Time from receiving an event to delivering it to a sink")
            .publishPercentileHistogram()
            .withRegistry(registry);
        sinks.forEach((sink, properties) -> {
            // At 0 from the start, so that Prometheus' increase() counts a sink's first dead delivery.
            for (String outcome : new String[] { "delivered", "retry", "dead" }) {
                this.deliveries.withTags("sink", sink, "outcome", outcome);
            }
            Gauge.builder("webhooks.broadcast.pending", () -> backlog(sink).pending())
                .description("Deliveries waiting for a sink")
                .tag("sink", sink)
                .register(registry);
            Gauge.builder("webhooks.broadcast.held", () -> properties.isOrdered() ? backlog(sink).held() : 0)
                .description("Deliveries of an ordered sink held back behind a dead delivery of their interview")
                .tag("sink", sink)
                .register(registry);
            Gauge.builder("webhooks.broadcast.oldest.pending.age", () -> oldestPendingAge(sink))
                .description("Age of the oldest event still waiting for a sink")
                .tag("sink", sink)
                .baseUnit("seconds")
                .register(registry);
        });
        Gauge.builder("webhooks.broadcast.unconfigured", this::unconfigured)
            .description("Pending and dead deliveries of sinks that are no longer configured (drop or configure them)")
            .register(registry);
    }

    void delivered(String sink, Duration lag) {
        this.deliveries.withTags("sink", sink, "outcome", "delivered").increment();
        this.lag.withTags("sink", sink).record(lag);
    }

    void failed(String sink, String outcome) {
        this.deliveries.withTags("sink", sink, "outcome", outcome).increment();
    }

    private double oldestPendingAge(String sink) {
        Backlog backlog = backlog(sink);
        if (backlog.pending() == 0) {
            return 0;
        }
        return Duration.between(backlog.oldestPendingReceivedAt(), this.clock.instant()).toMillis() / 1000.0;
    }

    private double unconfigured() {
        refresh();
        return this.backlog.entrySet()
            .stream()
            .filter((entry) -> !this.sinks.containsKey(entry.getKey()))
            .mapToLong((entry) -> entry.getValue().pending() + entry.getValue().dead())
            .sum();
    }

    private Backlog backlog(String sink) {
        refresh();
        return this.backlog.getOrDefault(sink, NONE);
    }

    private void refresh() {
        long now = this.clock.millis();
        if (now - this.backlogReadAt > STATS_TTL.toMillis()) {
            this.backlog = this.queue.backlog();
            this.backlogReadAt = now;
        }
    }
}
