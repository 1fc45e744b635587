package dev.incodehooks.broadcast;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.incodehooks.IncodePayloads;
import dev.incodehooks.event.WebhookEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The HTTP sink against a real local server: its timeout is a total for the attempt, so a consumer that
 * answers {@code 200} but trickles its answer a byte at a time cannot stretch an attempt past it.
 */
class HttpSinkTests {

    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        this.server.createContext("/trickle", (exchange) -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                // Bounded: 3 s of one byte every 100 ms, far within any read timeout.
                for (int i = 0; i < 30; i++) {
                    body.write('.');
                    body.flush();
                    Thread.sleep(100);
                }
            }
            catch (Exception ex) {
                // The sink hung up.
            }
        });
        this.server.createContext("/ok", (exchange) -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        this.server.createContext("/refuse", (exchange) -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        this.server.setExecutor(Executors.newCachedThreadPool());
        this.server.start();
    }

    @AfterEach
    void stop() {
        this.server.stop(0);
    }

    @Test
    void abortsAnAnswerTrickledPastTheTimeout() throws Exception {
        try (HttpSink sink = sink("/trickle", Duration.ofMillis(500))) {
            assertThatExceptionOfType(DeliveryFailedException.class).isThrownBy(() -> sink.deliver(event(), 1))
                .withMessage("Timed out after 500 ms");
        }
    }

    @Test
    void deliversOnAnyTwoHundredAndFailsOtherwise() throws Exception {
        // A timeout far above any answer: only the answer decides.
        try (HttpSink ok = sink("/ok", Duration.ofSeconds(30)); HttpSink refuse = sink("/refuse", Duration.ofSeconds(30))) {
            ok.deliver(event(), 1);
            assertThatExceptionOfType(DeliveryFailedException.class).isThrownBy(() -> refuse.deliver(event(), 1))
                .withMessage("HTTP 503");
        }
    }

    private HttpSink sink(String path, Duration timeout) {
        URI url = URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + path);
        return new HttpSink(url, Map.of(), timeout, 2);
    }

    private static WebhookEvent event() {
        byte[] body = IncodePayloads.onboardingFinished();
        assertThat(body).isNotEmpty();
        return new WebhookEvent(UUID.randomUUID(), "onboarding-status", "64f1c0ffee0123456789abcd", null, Instant.now(),
                "127.0.0.1", body);
    }
}
