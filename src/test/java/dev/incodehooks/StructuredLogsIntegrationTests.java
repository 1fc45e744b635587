package dev.incodehooks;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
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
 * carry its id, type, interview id and sink as fields operators can search (on delivery, at intake and in
 * the inbox writer), and never the payload, a sink's header value or Incode's secret.
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

    @Autowired
    DataSource dataSource;

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

    /**
     * An event the store refuses (a trigger refusing its interview id, on this class's SQLite store): the
     * writer's line and the intake's 503 line both name it by the same event id, its type and interview id.
     */
    @Test
    void theIntakeAndTheWriterNameTheEventTheStoreRefused(CapturedOutput output) throws Exception {
        String interviewId = IncodePayloads.interviewId();
        try (Connection connection = this.dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TRIGGER refuse_" + interviewId + " BEFORE INSERT ON webhook_event WHEN "
                    + "NEW.interview_id = '" + interviewId + "' BEGIN SELECT RAISE(ABORT, 'refused'); END");
        }
        byte[] body = IncodePayloads.utf8(new String(IncodePayloads.onboarding(interviewId, "ONBOARDING_FINISHED"))
            .replace("\"acme\"", "\"payload-marker-value\""));
        RawHttp.Response response = RawHttp.from("127.0.0.1", this.port)
            .send("POST", "/webhooks/incode/onboarding-status",
                    List.of("Content-Type: application/json", "X-Incode-Secret: structured-secret-value"), body);
        assertThat(response.status()).isEqualTo(503);
        // Both are logged before the answer is written.
        String intake = line(output, "Webhook not stored", interviewId);
        String writer = line(output, "Inbox refused event", interviewId);
        Matcher eventId = Pattern.compile("\"eventId\":\"([0-9a-f-]{36})\"").matcher(intake);
        assertThat(eventId.find()).as("an event id in " + intake).isTrue();
        for (String line : List.of(intake, writer)) {
            assertThat(line).startsWith("{")
                .contains("\"eventId\":\"" + eventId.group(1) + "\"")
                .contains("\"eventType\":\"onboarding-status\"")
                .contains("\"interviewId\":\"" + interviewId + "\"");
        }
        assertThat(output.getAll()).doesNotContain("payload-marker-value")
            .doesNotContain("structured-secret-value")
            .doesNotContain("sink-token-value");
    }

    /** The first line of the captured output with this text that is about this interview. */
    private static String line(CapturedOutput output, String text, String interviewId) {
        return output.getOut()
            .lines()
            .filter((candidate) -> candidate.contains(text) && candidate.contains(interviewId))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No line with '" + text + "' for interview " + interviewId));
    }
}
