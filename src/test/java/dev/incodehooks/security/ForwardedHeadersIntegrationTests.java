package dev.incodehooks.security;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.incodehooks.IncodePayloads;
import dev.incodehooks.RawHttp;
import dev.incodehooks.WebhookReceived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The forwarded-header matrix through a real Tomcat, with peers other than 127.0.0.1: the load balancer
 * is 127.0.0.2, an attacker connecting directly is 127.0.0.3. "Incode" is 203.0.113.7, an address only a
 * forwarded header can carry. The cloud platform is forced to Kubernetes, where Spring Boot would turn on
 * Tomcat's RemoteIpValve (which trusts all of 127/8 and the private ranges) if we let it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "spring.main.cloud-platform=kubernetes",
                "webhooks.security.allowed-sources=203.0.113.7/32,2001:db8::7/128",
                "webhooks.security.trusted-proxies=127.0.0.2/32",
                "webhooks.security.required-headers[X-Incode-Secret]=s3cret" })
@Import(WebhookReceived.class)
class ForwardedHeadersIntegrationTests {

    private static final String LOAD_BALANCER = "127.0.0.2";

    private static final String ATTACKER = "127.0.0.3";

    @LocalServerPort
    int port;

    @Autowired
    WebhookReceived received;

    @BeforeAll
    static void needsLoopbackAliases() {
        assumeTrue(RawHttp.canBind(LOAD_BALANCER) && RawHttp.canBind(ATTACKER),
                "needs 127.0.0.2 and 127.0.0.3 on the loopback interface (Linux has them; on macOS: "
                        + "sudo ifconfig lo0 alias 127.0.0.2 && sudo ifconfig lo0 alias 127.0.0.3)");
    }

    private byte[] lastBody = new byte[0];

    @Test
    void acceptsIncodeForwardedByTrustedProxy() throws Exception {
        assertThat(post(LOAD_BALANCER, "X-Forwarded-For: 203.0.113.7").status()).isEqualTo(200);
        assertThat(this.received.of(this.lastBody).sourceAddress()).isEqualTo("203.0.113.7");
    }

    @Test
    void rejectsForwardedForFromUntrustedPeer() throws Exception {
        assertThat(post(ATTACKER, "X-Forwarded-For: 203.0.113.7").status()).isEqualTo(403);
        assertThat(post("127.0.0.1", "X-Forwarded-For: 203.0.113.7").status())
            .as("loopback is not trusted either, whatever Tomcat's defaults say")
            .isEqualTo(403);
    }

    @Test
    void rejectsSpoofedLeftMostEntryBehindTrustedProxy() throws Exception {
        // The attacker sends "203.0.113.7" itself; the load balancer appends what it really saw.
        assertThat(post(LOAD_BALANCER, "X-Forwarded-For: 203.0.113.7, 198.51.100.9").status()).isEqualTo(403);
        assertThat(post(LOAD_BALANCER, "X-Forwarded-For: 203.0.113.7", "X-Forwarded-For: 198.51.100.9").status())
            .isEqualTo(403);
    }

    @Test
    void readsRepeatedHeaderLinesRightToLeft() throws Exception {
        assertThat(post(LOAD_BALANCER, "X-Forwarded-For: 198.51.100.9", "X-Forwarded-For: 203.0.113.7, 127.0.0.2")
            .status()).isEqualTo(200);
        assertThat(this.received.of(this.lastBody).sourceAddress()).isEqualTo("203.0.113.7");
    }

    @Test
    void handlesPortsAndIpv6Entries() throws Exception {
        assertThat(post(LOAD_BALANCER, "X-Forwarded-For: 203.0.113.7:51234").status()).isEqualTo(200);
        assertThat(this.received.of(this.lastBody).sourceAddress()).isEqualTo("203.0.113.7");
        assertThat(post(LOAD_BALANCER, "X-Forwarded-For: [2001:db8::7]:443").status()).isEqualTo(200);
        assertThat(this.received.of(this.lastBody).sourceAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(post(LOAD_BALANCER, "X-Forwarded-For: ::ffff:203.0.113.7").status()).isEqualTo(200);
        assertThat(this.received.of(this.lastBody).sourceAddress()).isEqualTo("203.0.113.7");
    }

    @Test
    void rejectsGarbageWhereTheClientShouldBe() throws Exception {
        for (String header : List.of("X-Forwarded-For: unknown", "X-Forwarded-For: 203.0.113.7, garbage",
                "X-Forwarded-For: _hidden", "X-Forwarded-For: 203.0.113.7:http")) {
            RawHttp.Response response = post(LOAD_BALANCER, header);
            assertThat(response.status()).as(header).isEqualTo(403);
            assertThat(response.bodyText()).as(header).contains("could not be determined");
        }
    }

    @Test
    void ignoresOtherForwardingHeaders() throws Exception {
        assertThat(post(ATTACKER, "X-Real-IP: 203.0.113.7", "Forwarded: for=203.0.113.7", "X-Forwarded-Host: x",
                "X-Forwarded-Proto: https")
            .status()).isEqualTo(403);
        assertThat(post(LOAD_BALANCER, "Forwarded: for=203.0.113.7").status())
            .as("only X-Forwarded-For is read")
            .isEqualTo(403);
    }

    @Test
    void checksTheSecretAfterTheSource() throws Exception {
        RawHttp.Response response = RawHttp.from(LOAD_BALANCER, this.port)
            .send("POST", "/webhooks/incode/onboarding-status",
                    List.of("Content-Type: application/json", "X-Forwarded-For: 203.0.113.7"),
                    IncodePayloads.onboardingFinished());
        assertThat(response.status()).isEqualTo(401);
    }

    /** Sends a fresh onboarding webhook from {@code peer}; its body is {@link #lastBody}. */
    private RawHttp.Response post(String peer, String... headers) throws Exception {
        List<String> lines = new java.util.ArrayList<>(List.of("Content-Type: application/json",
                "X-Incode-Secret: s3cret"));
        lines.addAll(List.of(headers));
        this.lastBody = IncodePayloads.onboardingFinished();
        return RawHttp.from(peer, this.port).send("POST", "/webhooks/incode/onboarding-status", lines, this.lastBody);
    }
}
