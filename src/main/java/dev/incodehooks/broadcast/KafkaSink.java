package dev.incodehooks.broadcast;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

import dev.incodehooks.event.WebhookEvent;

/**
 * Publishes each event to a Kafka topic: key = interview id (so one interview's events stay in order in
 * one partition), value = the original body, metadata as record headers. An idempotent producer with
 * {@code acks=all}; an attempt counts as delivered only once the broker has acknowledged the record.
 * The sink's timeout bounds every wait of the producer, so an attempt never outlives its timeout.
 */
class KafkaSink implements EventSink, AutoCloseable {

    private final DefaultKafkaProducerFactory<String, byte[]> producers;

    private final KafkaTemplate<String, byte[]> template;

    private final String topic;

    private final Duration timeout;

    KafkaSink(Map<String, Object> producerProperties, String topic, Duration timeout) {
        Map<String, Object> properties = new HashMap<>(producerProperties);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, timeout.toMillis() / 2));
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.producers = new DefaultKafkaProducerFactory<>(properties, new StringSerializer(), new ByteArraySerializer());
        this.template = new KafkaTemplate<>(this.producers);
        // Failed sends are counted and logged once by the sink's worker, not again by Spring Kafka.
        this.template.setProducerListener(new ProducerListener<>() {
        });
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public void deliver(WebhookEvent event, int attempt) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(this.topic, event.interviewId(), event.body());
        Headers headers = record.headers();
        headers.add("X-Webhook-Id", utf8(event.id().toString()));
        headers.add("X-Webhook-Type", utf8(event.type()));
        headers.add("X-Webhook-Attempt", utf8(Integer.toString(attempt)));
        headers.add("X-Webhook-Received-At", utf8(event.receivedAt().toString()));
        headers.add("Content-Type", utf8("application/json"));
        // The producer gives up by its delivery timeout (= the sink's); the worker cuts the attempt at the
        // same time, and this wait is only a backstop for both.
        this.template.send(record).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        // The template closes nothing it did not create: the factory holds the producer and its threads.
        this.template.destroy();
        this.producers.destroy();
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
