package dev.incodehooks.inbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.TestUsers;
import dev.incodehooks.IncodeWebhookReceiverApplication;
import dev.incodehooks.TestConsumer;
import dev.incodehooks.TestPostgres;
import dev.incodehooks.TestStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sink leaves the configuration while it still has deliveries waiting: at the next start they are
 * reported (log line, admin view, gauge), an operator can drop them, and then retention purges their
 * events like any other.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnconfiguredSinkIntegrationTests {

    @Test
    void reportsAndDropsTheDeliveriesOfASinkThatLeftTheConfiguration(CapturedOutput output) throws Exception {
        String store = "postgresql".equals(System.getProperty("test.store")) ? TestPostgres.newDatabaseUrl()
                : TestStore.newSqliteUrl();
        try (TestConsumer down = TestConsumer.down()) {
            try (ConfigurableApplicationContext before = run(store, "--webhooks.broadcast.sinks.old.type=http",
                    "--webhooks.broadcast.sinks.old.url=" + down.url())) {
                IncodeClient incode = IncodeClient.to(port(before, "local.server.port"));
                for (int i = 0; i < 3; i++) {
                    assertThat(incode.onboarding(IncodePayloads.interviewId(), "ONBOARDING_FINISHED")).isEqualTo(200);
                }
            }
            try (ConfigurableApplicationContext after = run(store, "--webhooks.inbox.retention=1ms")) {
                assertThat(output).contains("Sink old is no longer configured but has 3 pending and 0 dead deliveries");
                int management = port(after, "local.management.port");
                assertThat(get(management, "/actuator/webhooks").body()).contains("\"unconfiguredSinks\":{\"old\":3}");
                MeterRegistry registry = after.getBean(MeterRegistry.class);
                assertThat(registry.get("webhooks.broadcast.unconfigured").gauge().value()).isEqualTo(3);

                assertThat(post(management, "{\"sink\":\"log\"}").statusCode()).as("a configured sink").isEqualTo(400);
                assertThat(post(management, "{\"sink\":\"old\"}").body()).contains("\"dropped\":3");
                assertThat(get(management, "/actuator/webhooks").body()).contains("\"unconfiguredSinks\":{}");
                assertThat(output).contains("Admin action drop by operator: sink old dropped=3");

                InboxAdmin admin = after.getBean(InboxAdmin.class);
                Eventually.until("log deliveries done", () -> admin.deliveries("log", "pending", 10).isEmpty());
                assertThat(after.getBean(InboxRetention.class).purge()).isEqualTo(3);
            }
        }
    }

    private static ConfigurableApplicationContext run(String store, String... arguments) {
        String[] common = { "--server.port=0", "--management.server.port=0", "--spring.datasource.url=" + store,
                "--webhooks.security.allowed-sources=127.0.0.1/32", "--webhooks.broadcast.sinks.log.type=log",
                "--" + TestUsers.OPERATOR, "--" + TestUsers.OPERATOR_ROLE };
        String[] all = new String[common.length + arguments.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(arguments, 0, all, common.length, arguments.length);
        return new SpringApplicationBuilder(IncodeWebhookReceiverApplication.class).run(all);
    }

    private static int port(ConfigurableApplicationContext context, String property) {
        return Integer.parseInt(context.getEnvironment().getProperty(property));
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", TestUsers.operator()).build(), BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(int port, String json) throws Exception {
        return HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/webhooks/drop"))
                .header("Authorization", TestUsers.operator())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(BodyPublishers.ofString(json))
                .build(), BodyHandlers.ofString());
    }
}
