package dev.incodehooks;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The single URL Incode calls with its webhooks: checks, stores, answers, broadcasts.
 */
// Kafka sinks build their own producers from spring.kafka.*: Boot's Kafka beans are not needed.
@SpringBootApplication(excludeName = { "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
        "org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration" })
public class IncodeWebhookReceiverApplication {

    public static void main(String[] args) {
        SpringApplication.run(IncodeWebhookReceiverApplication.class, args);
    }

    /** One clock for every feature, so that tests and timestamps agree. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
