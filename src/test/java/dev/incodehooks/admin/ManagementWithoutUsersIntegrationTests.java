package dev.incodehooks.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.incodehooks.IncodeWebhookReceiverApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no user configured, the console and {@code /actuator/webhooks} are not there (404) and start-up says
 * which key turns them on; with a Prometheus token, a scrape needs it.
 */
@ExtendWith(OutputCaptureExtension.class)
class ManagementWithoutUsersIntegrationTests {

    private static ConfigurableApplicationContext service;

    private static int management;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        service = new SpringApplicationBuilder(IncodeWebhookReceiverApplication.class).run("--server.port=0",
                "--management.server.port=0",
                "--webhooks.admin.prometheus.bearer-token=scrape-token");
        management = Integer.parseInt(service.getEnvironment().getProperty("local.management.port"));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void theConsoleAndTheAdminEndpointAreOffAndStartUpSaysHowToTurnThemOn(CapturedOutput output) throws Exception {
        for (String path : List.of("/", "/login", "/events", "/dead", "/assets/console.css", "/actuator/webhooks",
                "/actuator/webhooks/events")) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/info", null).statusCode()).isEqualTo(401);
        assertThat(output).contains("configure a user under webhooks.admin.users.<name>");
    }

    @Test
    void aScrapeNeedsTheBearerToken() throws Exception {
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", "Bearer wrong-token").statusCode()).isEqualTo(401);
        HttpResponse<String> scrape = get("/actuator/prometheus", "Bearer scrape-token");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("webhooks_intake_requests_total");
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + path))
            .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return this.http.send(request.build(), BodyHandlers.ofString());
    }
}
