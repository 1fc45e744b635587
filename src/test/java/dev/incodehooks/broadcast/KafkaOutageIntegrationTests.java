package dev.incodehooks.broadcast;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.TcpProxy;
import dev.incodehooks.inbox.InboxAdmin;
import dev.incodehooks.inbox.InboxAdmin.DeliveryView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker cannot be reached when the events arrive: they are acknowledged to Incode all the same,
 * their deliveries fail and wait, and once the broker can be reached every event is published, none
 * lost. The broker is real (embedded KRaft); the service reaches it through a TCP forwarder that is
 * plugged in only halfway through.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.broadcast.sinks.bus.type=kafka", "webhooks.broadcast.sinks.bus.topic=incode.webhooks",
                "webhooks.broadcast.sinks.bus.timeout=1s", "webhooks.broadcast.sinks.bus.retry.initial-interval=100ms",
                "webhooks.broadcast.sinks.bus.retry.max-interval=500ms",
                "webhooks.broadcast.sinks.bus.retry.max-attempts=10000" })
class KafkaOutageIntegrationTests {

    static final EmbeddedKafkaBroker broker = startBroker();

    static final TcpProxy link = new TcpProxy(Integer.parseInt(broker.getBrokersAsString().split(":")[1]));

    @LocalServerPort
    int port;

    @Autowired
    InboxAdmin admin;

    @DynamicPropertySource
    static void bootstrap(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + link.port());
    }

    @AfterAll
    static void stop() throws Exception {
        link.close();
        broker.destroy();
    }

    @Test
    void deliversEverythingOnceTheBrokerIsReachable() throws Exception {
        IncodeClient incode = IncodeClient.to(this.port);
        List<String> interviews = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String interviewId = IncodePayloads.interviewId();
            assertThat(incode.onboarding(interviewId, "ONBOARDING_FINISHED")).isEqualTo(200);
            interviews.add(interviewId);
        }
        Eventually.until("failed attempts while the broker is unreachable",
                () -> deliveries().size() == 5 && deliveries().stream().allMatch((delivery) -> delivery.attempts() >= 1));
        assertThat(deliveries()).allSatisfy((delivery) -> {
            assertThat(delivery.state()).isEqualTo("pending");
            assertThat(delivery.lastError()).isNotBlank();
        });

        link.start();
        Eventually.until("all delivered",
                () -> deliveries().stream().allMatch((delivery) -> delivery.state().equals("delivered")));
        List<ConsumerRecord<String, byte[]>> records = KafkaSinkIntegrationTests.consume(broker, "incode.webhooks", 5);
        assertThat(records).extracting(ConsumerRecord::key).containsAll(interviews);
        assertThat(records).extracting((record) -> KafkaSinkIntegrationTests.header(record, "X-Webhook-Id"))
            .containsAll(deliveries().stream().map(DeliveryView::eventId).toList());
    }

    private List<DeliveryView> deliveries() {
        return this.admin.deliveries("bus", null, 100);
    }

    private static EmbeddedKafkaBroker startBroker() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1, "incode.webhooks");
        broker.afterPropertiesSet();
        return broker;
    }
}
