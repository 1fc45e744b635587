package dev.incodehooks.simulator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodeWebhookReceiverApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator against the real service (a real Tomcat on a random port, static header and built-in OAuth2
 * both required): the jar's {@code simulate} command in a JVM of its own, and the Java API the way a team would
 * use it in its own integration tests.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.security.required-headers[X-Incode-Secret]=" + SimulatorAgainstTheServiceIntegrationTests.SECRET,
                "webhooks.security.oauth2.mode=built-in", "webhooks.security.oauth2.client-id=incode",
                "webhooks.security.oauth2.client-secrets=" + SimulatorAgainstTheServiceIntegrationTests.CLIENT_SECRET,
                "webhooks.security.oauth2.signing-keys=q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=" })
class SimulatorAgainstTheServiceIntegrationTests {

    static final String SECRET = "dashboard-secret";

    static final String CLIENT_SECRET = "client-secret-0123456789abcdef";

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry registry;

    @Test
    void theJarsSimulateCommandDrivesTheServiceWithoutStartingOne() throws Exception {
        // INE webhooks: no other test here has one accepted, so a late count of another test cannot interfere.
        double acceptedBefore = accepted("ine-scraping");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder command = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                IncodeWebhookReceiverApplication.class.getName(), "simulate", "--url", "http://127.0.0.1:" + this.port,
                "--header", "X-Incode-Secret=" + SECRET, "--token-url",
                "http://127.0.0.1:" + this.port + "/webhooks/oauth/token", "--client-id", "incode", "--scenario", "mixed",
                "--interviews", "10", "--rate", "200/s", "--json")
            .redirectErrorStream(true);
        command.environment().put("INCODE_CLIENT_SECRET", CLIENT_SECRET);
        Process process = command.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("simulator ended").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).as("only the summary: no Spring, no server")
            .matches("\\{\"sent\":72,\"succeededFirstTime\":72,\"retried\":0,\"succeededAfterRetries\":0,\"givenUp\":0,"
                    + "\"tries\":72,\"answers\":\\{\"200\":72},\"seconds\":[0-9.]+}\\R");
        assertThat(output).doesNotContain(SECRET).doesNotContain(CLIENT_SECRET);
        // Counted once the answer is written: the last may still be on its way.
        Eventually.until("20 counted", () -> accepted("ine-scraping") - acceptedBefore >= 20);
        assertThat(accepted("ine-scraping") - acceptedBefore).as("the service's count of stored INE webhooks")
            .isEqualTo(20);
    }

    /** The README's example: what a team writes against its own deployment (here: this test's service). */
    @Test
    void anIntegrationTestAgainstYourDeployment() throws Exception {
        URI receiver = URI.create("http://127.0.0.1:" + this.port);
        IncodeSimulator incode = IncodeSimulator.to(receiver)
            .header("X-Incode-Secret", SECRET)
            .oauth2(receiver.resolve("/webhooks/oauth/token"), "incode", CLIENT_SECRET)
            .scenario(Scenario.ONBOARDING, 20)
            .rate(50)
            .timeScale(60)
            .build();

        SimulationSummary summary = incode.run();

        assertThat(summary.givenUp()).isZero();
        assertThat(summary.succeededFirstTime()).isEqualTo(summary.sent());
        // Incode repeats a notification it sent before: the receiver acknowledges it and stores nothing new.
        double duplicatesBefore = count("duplicate");
        IncodeSimulator again = IncodeSimulator.to(receiver)
            .header("X-Incode-Secret", SECRET)
            .oauth2(receiver.resolve("/webhooks/oauth/token"), "incode", CLIENT_SECRET)
            .notifications(incode.notifications().subList(0, 10))
            .build();
        assertThat(again.run().succeededFirstTime()).isEqualTo(10);
        Eventually.until("10 duplicates counted", () -> count("duplicate") - duplicatesBefore >= 10);
        assertThat(count("duplicate") - duplicatesBefore).isEqualTo(10);
    }

    @Test
    void withoutTheDashboardHeaderEveryTryFailsAndIsRetriedAsIncodeWould() throws Exception {
        IncodeSimulator incode = IncodeSimulator.to(URI.create("http://127.0.0.1:" + this.port))
            .oauth2(URI.create("http://127.0.0.1:" + this.port + "/webhooks/oauth/token"), "incode", CLIENT_SECRET)
            .scenario(Scenario.INE, 1)
            .timeScale(1000)
            .timeout(Duration.ofSeconds(5))
            .build();
        SimulationSummary summary = incode.run();
        assertThat(summary.givenUp()).isEqualTo(2);
        assertThat(summary.answers()).isEqualTo(java.util.Map.of("401", 12));
        List<Integer> attempts = new ArrayList<>();
        incode.tries().forEach((t) -> attempts.add(t.attempt()));
        assertThat(attempts).containsExactlyInAnyOrder(1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6);
    }

    private double accepted(String type) {
        return this.registry.find("webhooks.intake.requests")
            .tag("outcome", "accepted")
            .tag("type", type)
            .counters()
            .stream()
            .mapToDouble((counter) -> counter.count())
            .sum();
    }

    private double count(String outcome) {
        return this.registry.find("webhooks.intake.requests")
            .tag("outcome", outcome)
            .counters()
            .stream()
            .mapToDouble((counter) -> counter.count())
            .sum();
    }
}
