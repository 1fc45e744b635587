package dev.incodehooks.broadcast;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.event.WebhookEvent;
import dev.incodehooks.inbox.InboxAdmin;
import dev.incodehooks.inbox.InboxAdmin.EventView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka sink against a real broker (embedded KRaft): key, value and headers as specified, and one
 * interview's events in order within its partition (a Kafka sink is ordered unless configured otherwise);
 * closing the sink closes its producer.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "webhooks.broadcast.sinks.audit.type=kafka", "webhooks.broadcast.sinks.audit.topic=incode.webhooks",
                "webhooks.broadcast.sinks.audit.timeout=10s" })
@EmbeddedKafka(partitions = 3, topics = { "incode.webhooks", "sink.closing" })
class KafkaSinkIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    InboxAdmin admin;

    @Autowired
    BroadcastProperties properties;

    @Test
    void publishesKeyedRecordsWithMetadataHeaders() throws Exception {
        String a = IncodePayloads.interviewId();
        String b = IncodePayloads.interviewId();
        List<byte[]> bodies = List.of(IncodePayloads.onboarding(a, "ID_VALIDATION_FINISHED"),
                IncodePayloads.onboarding(b, "ONBOARDING_FINISHED"), IncodePayloads.onboarding(a, "ONBOARDING_FINISHED"));
        IncodeClient incode = IncodeClient.to(this.port);
        for (byte[] body : bodies) {
            assertThat(incode.send("onboarding-status", body)).isEqualTo(200);
        }
        List<ConsumerRecord<String, byte[]>> records = consume(this.broker, "incode.webhooks", 3);
        assertThat(records).hasSize(3);
        for (ConsumerRecord<String, byte[]> record : records) {
            String body = new String(record.value(), StandardCharsets.UTF_8);
            EventView event = this.admin.events(record.key(), null, null, 10)
                .stream()
                .filter((candidate) -> candidate.id().equals(header(record, "X-Webhook-Id")))
                .findFirst()
                .orElseThrow();
            assertThat(body).contains("\"interviewId\":\"" + record.key() + "\"");
            assertThat(header(record, "X-Webhook-Type")).isEqualTo("onboarding-status");
            assertThat(header(record, "X-Webhook-Attempt")).isEqualTo("1");
            assertThat(header(record, "X-Webhook-Received-At")).isEqualTo(event.receivedAt().toString());
            assertThat(header(record, "Content-Type")).isEqualTo("application/json");
        }
        assertThat(records).extracting((record) -> new String(record.value(), StandardCharsets.UTF_8))
            .containsExactlyInAnyOrderElementsOf(bodies.stream().map(String::new).toList());
        assertThat(records).filteredOn((record) -> record.key().equals(a))
            .extracting((record) -> new String(record.value(), StandardCharsets.UTF_8))
            .containsExactly(new String(bodies.get(0)), new String(bodies.get(2)));
    }

    @Test
    void isOrderedByDefault() {
        assertThat(this.properties.sinksInForce().get("audit").isOrdered()).isTrue();
    }

    @Test
    void closingTheSinkClosesItsProducer() throws Exception {
        // Its own client id is in its network thread's name: no other producer in this JVM is counted.
        String clientId = "closing-" + UUID.randomUUID();
        Map<String, Object> producer = Map.of("bootstrap.servers", this.broker.getBrokersAsString(), "client.id", clientId);
        KafkaSink sink = new KafkaSink(producer, "sink.closing", Duration.ofSeconds(10));
        sink.deliver(new WebhookEvent(UUID.randomUUID(), "onboarding-status", IncodePayloads.interviewId(), null,
                Instant.now(), "127.0.0.1", IncodePayloads.onboardingFinished()), 1);
        assertThat(producerThreads(clientId)).isEqualTo(1);
        sink.close();
        Eventually.until("producer thread gone", () -> producerThreads(clientId) == 0);
    }

    private static long producerThreads(String clientId) {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter((thread) -> thread.isAlive() && thread.getName().startsWith("kafka-producer-network-thread")
                    && thread.getName().contains(clientId))
            .count();
    }

    /** Reads at least {@code count} records of a topic from the start. */
    static List<ConsumerRecord<String, byte[]>> consume(EmbeddedKafkaBroker broker, String topic, int count) {
        Map<String, Object> properties = KafkaTestUtils.consumerProps(broker, "test-" + System.nanoTime(), false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            broker.consumeFromAnEmbeddedTopic(consumer, topic);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            KafkaTestUtils.getRecords(consumer, Duration.ofSeconds(30), count).forEach(records::add);
            records.sort(java.util.Comparator.comparingInt(ConsumerRecord<String, byte[]>::partition)
                .thenComparingLong(ConsumerRecord::offset));
            return records;
        }
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
