package dev.incodehooks;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL goes away (its connections cut, new ones refused) and comes back: webhooks are answered
 * {@code 503} with {@code Retry-After} and health is DOWN meanwhile; health is UP again by itself once
 * the database is back, without a webhook or a restart, and webhooks are stored again.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "spring.datasource.hikari.connection-timeout=1000" })
class PostgresUnreachableIntegrationTests {

    static final TcpProxy link = new TcpProxy(TestPostgres.port());

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void throughTheLink(DynamicPropertyRegistry registry) throws Exception {
        link.start();
        String url = TestPostgres.newDatabaseUrl();
        registry.add("spring.datasource.url",
                () -> url.replace(":" + TestPostgres.port() + "/", ":" + link.port() + "/"));
    }

    @AfterAll
    static void close() throws Exception {
        link.close();
    }

    @Test
    void refusesWhileTheDatabaseIsGoneAndRecoversByItself() throws Exception {
        assertThat(send().status()).isEqualTo(200);
        link.unplug();
        RawHttp.Response refused = send();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("30");
        assertThat(health().status()).isEqualTo(503);
        link.start();
        Eventually.until("health UP with no webhook sent", () -> health().status() == 200);
        assertThat(send().status()).isEqualTo(200);
    }

    private RawHttp.Response send() throws Exception {
        return RawHttp.from("127.0.0.1", this.port)
            .send("POST", "/webhooks/incode/onboarding-status", List.of("Content-Type: application/json"),
                    IncodePayloads.onboardingFinished());
    }

    private RawHttp.Response health() {
        try {
            return RawHttp.from("127.0.0.1", this.managementPort).send("GET", "/actuator/health", List.of(), new byte[0]);
        }
        catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
