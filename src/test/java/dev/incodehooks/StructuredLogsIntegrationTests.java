package dev.incodehooks;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Structured JSON logs ({@code logging.structured.format.console=logstash}): the lines about an event
 * carry its id, type, interview id and sink as fields operators can search, and never the payload, a
 * sink's header value or Incode's secret.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "logging.structured.format.console=logstash",
                "webhooks.security.required-headers.X-Incode-Secret=structured-secret-value",
                "webhooks.broadcast.sinks.crm.type=http", "webhooks.broadcast.sinks.crm.retry.max-attempts=1",
                "webhooks.broadcast.sinks.crm.headers.Authorization=Bearer sink-token-value" })
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogsIntegrationTests {

    static final TestConsumer refusing = TestConsumer.started((request) -> 500);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void sink(DynamicPropertyRegistry registry) {
        registry.add("webhooks.broadcast.sinks.crm.url", refusing::url);
    }

    @AfterAll
    static void close() {
        refusing.close();
    }

    @Test
    void linesAboutAnEventCarryItsFieldsAndNeverItsPayload(CapturedOutput output) throws Exception {
        String interviewId = IncodePayloads.interviewId();
        byte[] body = IncodePayloads.utf8(new String(IncodePayloads.onboarding(interviewId, "ONBOARDING_FINISHED"))
            .replace("\"acme\"", "\"payload-marker-value\""));
        assertThat(RawHttp.from("127.0.0.1", this.port)
            .send("POST", "/webhooks/incode/onboarding-status",
                    List.of("Content-Type: application/json", "X-Incode-Secret: structured-secret-value"), body)
            .status()).isEqualTo(200);
        Eventually.until("the dead delivery logged", () -> output.getOut().contains("gave up on event"));
        String line = output.getOut()
            .lines()
            .filter((candidate) -> candidate.contains("gave up on event"))
            .findFirst()
            .orElseThrow();
        assertThat(line).startsWith("{").contains("\"sink\":\"crm\"").contains("\"interviewId\":\"" + interviewId + "\"")
            .contains("\"eventType\":\"onboarding-status\"").contains("\"eventId\":\"");
        assertThat(output.getAll()).doesNotContain("payload-marker-value")
            .doesNotContain("structured-secret-value")
            .doesNotContain("sink-token-value");
    }
}
