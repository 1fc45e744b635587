package dev.incodehooks.broadcast;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.incodehooks.broadcast.BroadcastProperties.SinkProperties;
import dev.incodehooks.inbox.DeliveryQueue;

/**
 * Builds the configured sinks, their routing and their workers.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ BroadcastProperties.class, KafkaProperties.class })
class BroadcastConfiguration {

    @Bean
    SinkRouting sinkRouting(BroadcastProperties properties) {
        return new SinkRouting(properties.sinksInForce());
    }

    @Bean
    BroadcastMetrics broadcastMetrics(MeterRegistry registry, DeliveryQueue queue, Clock clock,
            BroadcastProperties properties) {
        return new BroadcastMetrics(registry, queue, clock, properties.sinksInForce());
    }

    @Bean
    Broadcaster broadcaster(BroadcastProperties properties, DeliveryQueue queue, Clock clock, BroadcastMetrics metrics,
            ApplicationEventPublisher publisher, KafkaProperties kafka) {
        ScheduledExecutorService alarms = Broadcaster.alarms();
        List<SinkWorker> workers = properties.sinksInForce()
            .entrySet()
            .stream()
            .map((entry) -> new SinkWorker(entry.getKey(), sink(entry.getValue(), publisher, kafka), entry.getValue(),
                    queue, clock, metrics, alarms))
            .toList();
        return new Broadcaster(workers, queue, alarms);
    }

    private static EventSink sink(SinkProperties properties, ApplicationEventPublisher publisher,
            KafkaProperties kafka) {
        return switch (properties.type()) {
            case LOG -> new LogSink();
            case IN_PROCESS -> new ApplicationEventSink(publisher);
            case HTTP -> new HttpSink(properties.url(), properties.headers(), properties.timeout(),
                    properties.concurrency());
            case KAFKA -> new KafkaSink(kafka.buildProducerProperties(), properties.topic(), properties.timeout());
        };
    }
}
