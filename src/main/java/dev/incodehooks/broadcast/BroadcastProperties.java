package dev.incodehooks.broadcast;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The internal systems that receive events ({@code webhooks.broadcast.*}).
 *
 * @param sinks sinks by name; when none is configured, a {@code log} sink and an {@code in-process}
 * sink
 */
@Validated
@ConfigurationProperties("webhooks.broadcast")
public record BroadcastProperties(@DefaultValue Map<String, @Valid SinkProperties> sinks) {

    public BroadcastProperties {
        sinks = Map.copyOf(sinks);
        sinks.forEach(BroadcastProperties::check);
    }

    /** The sinks in force: the configured ones, or the defaults. */
    Map<String, SinkProperties> sinksInForce() {
        if (!this.sinks.isEmpty()) {
            return this.sinks;
        }
        return Map.of("log", SinkProperties.of(SinkType.LOG), "in-process", SinkProperties.of(SinkType.IN_PROCESS));
    }

    private static void check(String name, SinkProperties sink) {
        String key = "webhooks.broadcast.sinks." + name;
        if (!name.matches("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?")) {
            throw new IllegalArgumentException(key + ": a sink name is lowercase letters, digits and dashes");
        }
        if (sink.type() == SinkType.KAFKA && (sink.topic() == null || sink.topic().isBlank())) {
            throw new IllegalArgumentException(key + ".topic: a kafka sink needs a topic");
        }
        if (sink.type() == SinkType.HTTP && (sink.url() == null || sink.url().getHost() == null
                || !List.of("http", "https").contains(sink.url().getScheme()))) {
            throw new IllegalArgumentException(key + ".url: an http sink needs an absolute http(s) URL");
        }
    }

    /** Kinds of sink. */
    public enum SinkType {

        /** Logs type, interview id and status. */
        LOG,

        /** POSTs the original body to {@code url}. */
        HTTP,

        /** Publishes a Spring application event to in-process listeners. */
        IN_PROCESS,

        /** Publishes a record to {@code topic}, with the producer settings of {@code spring.kafka.*}. */
        KAFKA

    }

    /**
     * One sink.
     * @param type what kind of sink
     * @param url where an {@code http} sink POSTs
     * @param headers extra headers of an {@code http} sink (credentials: never logged)
     * @param timeout how long an attempt may take before it counts as failed
     * @param types only events of these webhook types (all when empty)
     * @param statuses only events with these statuses (all when empty)
     * @param ordered deliver the events of one interview in order of receipt; by default true for a
     * {@code kafka} sink (whose consumers read one interview's records in order from one partition), false
     * for the others
     * @param concurrency attempts under way at once for this sink
     * @param retry when to try again after a failed attempt
     * @param topic where a {@code kafka} sink publishes
     */
    public record SinkProperties(@NotNull SinkType type, @Nullable URI url, @DefaultValue Map<String, String> headers,
            @DefaultValue("5s") @NotNull Duration timeout, @DefaultValue List<String> types,
            @DefaultValue List<String> statuses, @Nullable Boolean ordered,
            @DefaultValue("16") @Min(1) @Max(256) int concurrency, @DefaultValue @Valid @NotNull RetryProperties retry,
            @Nullable String topic) {

        static SinkProperties of(SinkType type) {
            return new SinkProperties(type, null, Map.of(), Duration.ofSeconds(5), List.of(), List.of(), null, 16,
                    RetryProperties.DEFAULT, null);
        }

        /** Whether the events of one interview go out in order of receipt. */
        public boolean isOrdered() {
            return (this.ordered != null) ? this.ordered : this.type == SinkType.KAFKA;
        }

        /** Names the headers but never prints their values. */
        @Override
        public String toString() {
            return "SinkProperties[type=" + this.type + ", url=" + this.url + ", headers=" + this.headers.keySet()
                    + ", timeout=" + this.timeout + ", types=" + this.types + ", statuses=" + this.statuses
                    + ", ordered=" + isOrdered() + ", concurrency=" + this.concurrency + ", retry=" + this.retry
                    + ", topic=" + this.topic + "]";
        }
    }

    /**
     * Exponential back-off between attempts.
     * @param initialInterval wait after the first failed attempt
     * @param multiplier growth of the wait after each further failure
     * @param maxInterval longest wait
     * @param maxAttempts attempts in all, the first included; then the delivery is dead
     */
    public record RetryProperties(@DefaultValue("1s") @NotNull Duration initialInterval,
            @DefaultValue("2.5") double multiplier, @DefaultValue("15m") @NotNull Duration maxInterval,
            @DefaultValue("20") @Min(1) int maxAttempts) {

        static final RetryProperties DEFAULT = new RetryProperties(Duration.ofSeconds(1), 2.5, Duration.ofMinutes(15),
                20);
    }
}
