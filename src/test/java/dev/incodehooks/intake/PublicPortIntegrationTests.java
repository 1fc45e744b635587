package dev.incodehooks.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.incodehooks.RawHttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What an unauthenticated caller gets on the public port: only {@code /webhooks/**} exists; everything else,
 * {@code /error} included, is a bare {@code 404} problem. A rejected caller is answered at once and
 * disconnected, without the rest of its body being read: announcing megabytes and sending them slowly
 * holds no worker.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.security.required-headers.X-Incode-Secret=s3cret", "server.tomcat.connection-timeout=60s" })
@ExtendWith(OutputCaptureExtension.class)
class PublicPortIntegrationTests {

    private static final int CHUNKS = 600;

    @LocalServerPort
    int port;

    @ParameterizedTest
    @ValueSource(strings = { "/error", "/", "/actuator/health", "/actuator/prometheus", "/index.html", "/webhooks",
            "/WEBHOOKS/incode/onboarding-status", "/webhooks/../error", "/webhooks/..;/error", "/webhooks/%2e%2e/error",
            "/webhooks/incode/../../actuator/health" })
    void servesNothingButWebhooks(String path, CapturedOutput output) throws Exception {
        for (String method : List.of("GET", "POST")) {
            RawHttp.Response response = RawHttp.from("127.0.0.1", this.port)
                .send(method, path, List.of("Content-Type: application/json"), "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(response.status()).as(method + " " + path).isEqualTo(404);
            assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(response.bodyText()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}");
        }
        // A scanner's probes are answered, not logged: the log is for what matters.
        assertThat(output).doesNotContain("Response already committed", "WARN");
    }

    @Test
    void disconnectsARejectedCallerWithoutReadingItsSlowBody() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/incode/onboarding-status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nX-Incode-Secret: guess\r\nContent-Length: 8388608\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            AtomicInteger sent = new AtomicInteger();
            Thread slow = new Thread(() -> {
                byte[] chunk = new byte[1024];
                try {
                    // Bounded: at most 600 KB over 30 s, far less than announced.
                    for (int i = 0; i < CHUNKS; i++) {
                        out.write(chunk);
                        out.flush();
                        sent.incrementAndGet();
                        Thread.sleep(50);
                    }
                }
                catch (IOException | InterruptedException ex) {
                    // The server hung up: what the test wants.
                }
            });
            slow.start();
            InputStream in = socket.getInputStream();
            String answer = readUntilClosed(in);
            int sentWhenClosed = sent.get();
            slow.interrupt();
            slow.join(15_000);
            System.out.printf("public port test: answer %s, chunks sent when closed=%d of %d%n",
                    answer.lines().findFirst().orElse(""), sentWhenClosed, CHUNKS);
            assertThat(answer).startsWith("HTTP/1.1 401");
            assertThat(answer.toLowerCase()).contains("connection: close");
            assertThat(sentWhenClosed).as("closed before the body was sent").isLessThan(CHUNKS);
        }
    }

    /**
     * A caller without the secret that announces megabytes and then sends nothing: answered and
     * disconnected, not kept waiting for its body (Tomcat's connection timeout is a minute; this client
     * gives up after 20 s, which fails the test).
     */
    @Test
    void disconnectsARejectedCallerThatSendsNoBodyAtAll() throws Exception {
        String announcing = "POST /webhooks/incode/onboarding-status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nX-Incode-Secret: guess\r\nContent-Length: 8388608\r\n\r\n";
        assertThat(exchange(announcing)).startsWith("HTTP/1.1 401");
        assertThat(exchange(announcing.replace("/webhooks/incode/onboarding-status", "/error"))).startsWith("HTTP/1.1 404");
        assertThat(exchange("GET /webhooks/incode/onboarding-status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-Incode-Secret: s3cret\r\n\r\n"))
            .as("a 405 written by Spring itself").startsWith("HTTP/1.1 405");
    }

    /**
     * The other answers after which a caller is disconnected before its body is read: a source outside the
     * allowlist (403), a body announced past the limit (413), one that is not JSON (415). Each announces 8 MB
     * and sends none of it: the answer says {@code Connection: close} and the server closes the socket
     * instead of waiting for the body (Tomcat's connection timeout is a minute; this client gives up after
     * 20 s, which fails the test).
     */
    @Test
    void disconnectsAForbiddenSourceWithoutReadingItsBody() throws Exception {
        assumeTrue(RawHttp.canBind("127.0.0.5"), "needs 127.0.0.5 on the loopback interface (on macOS: "
                + "sudo ifconfig lo0 alias 127.0.0.5)");
        assertClosedAfter(exchange("127.0.0.5", announcing("application/json")), 403);
    }

    @ParameterizedTest
    @CsvSource({ "application/json, 413", "text/plain, 415" })
    void disconnectsAfterRefusingABodyItDidNotRead(String contentType, int status) throws Exception {
        assertClosedAfter(exchange("127.0.0.1", announcing(contentType)), status);
    }

    /**
     * A malformed header line or request target is refused by Tomcat itself, which logs the line whole at
     * INFO: a secret would be in the log. Several connections at once, as Tomcat logs once per processor.
     */
    @Test
    void logsNoPartOfAMalformedRequest(CapturedOutput output) throws Exception {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> exchangeQuietly("POST /webhooks/incode/onboarding-status "
                    + "HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Incode-Secret: header-SECRET\u0001\r\n\r\n")));
            answers.add(CompletableFuture.supplyAsync(() -> exchangeQuietly("GET /webhooks/incode/x?token=query-SECRET"
                    + "\u0001 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
        }
        assertThat(answers).allSatisfy((answer) -> assertThat(answer.join()).startsWith("HTTP/1.1 400"));
        assertThat(output.getAll()).doesNotContain("header-SECRET", "query-SECRET");
    }

    /**
     * What Tomcat refuses itself, before any filter runs (an undecodable or unnormalisable path, an HTTP
     * version it does not speak, an encoded slash), is the same bare problem as the rest of the port: no HTML
     * page that names the server.
     */
    @ParameterizedTest
    @ValueSource(strings = { "GET /webhooks/%ZZ HTTP/1.1", "GET /webhooks\\..\\error HTTP/1.1", "GET / HTTP/1.2",
            "GET /webhooks/..%2Ferror HTTP/1.1", "POST /webhooks/incode/onboarding-status%00 HTTP/1.1" })
    void answersWhatTomcatRefusesWithABareProblem(String requestLine) throws Exception {
        String answer = exchange(requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(answer).matches("(?s)HTTP/1\\.1 (400|505) .*").contains("application/problem+json");
        assertThat(answer.toLowerCase()).doesNotContain("<html", "tomcat");
    }

    /** A caller refused before its body is read is not told to send it ({@code 100 Continue}) first. */
    @Test
    void invitesNoRejectedCallerToSendItsBody() throws Exception {
        String answer = exchange("POST /webhooks/incode/onboarding-status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nX-Incode-Secret: guess\r\nExpect: 100-continue\r\n"
                + "Content-Length: 8388608\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 401").doesNotContain("HTTP/1.1 100");
    }

    private String exchangeQuietly(String head) {
        try {
            return exchange(head);
        }
        catch (IOException ex) {
            return ex.toString();
        }
    }

    /** A request head from a caller with the secret, announcing 8 MB that never follow. */
    private static String announcing(String contentType) {
        return "POST /webhooks/incode/onboarding-status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                + "\r\nX-Incode-Secret: s3cret\r\nContent-Length: 8388608\r\n\r\n";
    }

    private static void assertClosedAfter(String answer, int status) {
        assertThat(answer).startsWith("HTTP/1.1 " + status);
        assertThat(answer.toLowerCase()).contains("\r\nconnection: close\r\n");
    }

    /** Sends a request head and reads the answer until the server closes the connection. */
    private String exchange(String head) throws IOException {
        return exchange("127.0.0.1", head);
    }

    /** Sends a request head from a loopback address and reads the answer until the server closes the connection. */
    private String exchange(String from, String head) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port, InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return readUntilClosed(socket.getInputStream());
        }
    }

    /** Reads until the server closes the connection (or resets it); a read timeout fails. */
    private static String readUntilClosed(InputStream in) throws SocketTimeoutException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
                text.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
            }
        }
        catch (SocketTimeoutException ex) {
            throw ex;
        }
        catch (IOException ex) {
            // Reset after the answer: closed too.
        }
        return text.toString();
    }
}
