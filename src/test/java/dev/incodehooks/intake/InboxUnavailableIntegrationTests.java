package dev.incodehooks.intake;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.RawHttp;
import dev.incodehooks.TestStore;
import dev.incodehooks.TestUsers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the store cannot be written, webhooks are answered {@code 503} with {@code Retry-After}, never
 * {@code 200}: Incode retries, and nothing acknowledged is lost. The store is a real SQLite file that
 * fills up (SQLite's {@code max_page_count} plays a full volume), and health turns DOWN.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32", TestUsers.VIEWER,
                TestUsers.VIEWER_ROLE })
class InboxUnavailableIntegrationTests {

    private static final Path FILE = TestStore.newSqliteFile();

    private static final int MAX_REQUESTS = 3000;

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void smallStore(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url",
                () -> "jdbc:sqlite:" + FILE + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000&max_page_count=64");
    }

    @Test
    void answersServiceUnavailableOnceFullAndLosesNothingAcknowledged() throws Exception {
        Set<String> acknowledged = new HashSet<>();
        List<RawHttp.Response> refused = new ArrayList<>();
        for (int i = 0; i < MAX_REQUESTS && refused.size() < 3; i++) {
            String interviewId = IncodePayloads.interviewId();
            RawHttp.Response response = RawHttp.from("127.0.0.1", this.port)
                .send("POST", "/webhooks/incode/onboarding-status", List.of("Content-Type: application/json"),
                        IncodePayloads.onboarding(interviewId, "ONBOARDING_FINISHED"));
            if (response.status() == 200) {
                acknowledged.add(interviewId);
            }
            else {
                refused.add(response);
            }
        }
        assertThat(acknowledged).as("the store took events until it was full").isNotEmpty();
        assertThat(refused).as("then refused them").hasSize(3).allSatisfy((response) -> {
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("30");
            assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        });
        assertThat(storedInterviewIds()).containsAll(acknowledged);
        // DOWN for a while after a refusal: each look follows a fresh refusal, so no stall can outlast that while.
        Eventually.until("health DOWN naming SQLITE_FULL", () -> refusedAgain() && get("/actuator/health", true)
            .map((health) -> health.statusCode() == 503
                    && health.body().contains("\"inbox\":{\"details\":{\"reason\":\"SQLiteException: [SQLITE_FULL]"))
            .orElse(false));
        // Not ready either: a probe or load balancer that follows readiness sends it nothing meanwhile.
        Eventually.until("readiness DOWN", () -> refusedAgain()
                && get("/actuator/health/readiness", false).map((readiness) -> readiness.statusCode() == 503).orElse(false));
    }

    private boolean refusedAgain() {
        try {
            return RawHttp.from("127.0.0.1", this.port)
                .send("POST", "/webhooks/incode/onboarding-status", List.of("Content-Type: application/json"),
                        IncodePayloads.onboarding(IncodePayloads.interviewId(), "ONBOARDING_FINISHED"))
                .status() == 503;
        }
        catch (Exception ex) {
            return false;
        }
    }

    private Optional<HttpResponse<String>> get(String path, boolean asViewer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path));
        if (asViewer) {
            request.header("Authorization", TestUsers.viewer());
        }
        try {
            return Optional.of(HttpClient.newHttpClient().send(request.build(), BodyHandlers.ofString()));
        }
        catch (Exception ex) {
            return Optional.empty();
        }
    }

    private static Set<String> storedInterviewIds() throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + FILE);
                ResultSet rows = connection.createStatement().executeQuery("SELECT interview_id FROM webhook_event")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
