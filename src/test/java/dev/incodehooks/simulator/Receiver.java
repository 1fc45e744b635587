package dev.incodehooks.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A receiver on 127.0.0.1 for the simulator's own tests: it records every request and answers each as its
 * behaviour says (given the request and how many came before it for the same body).
 */
final class Receiver implements AutoCloseable {

    private final HttpServer server;

    private final ExecutorService handlers = Executors.newCachedThreadPool();

    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private Receiver(Function<Request, Answer> behaviour) {
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.server.setExecutor(this.handlers);
        this.server.createContext("/", (exchange) -> handle(exchange, behaviour));
        this.server.start();
    }

    static Receiver answering(Function<Request, Answer> behaviour) {
        return new Receiver(behaviour);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
    }

    List<Request> requests() {
        return List.copyOf(this.requests);
    }

    private void handle(HttpExchange exchange, Function<Request, Answer> behaviour) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            long earlier = this.requests.stream().filter((r) -> r.body().equals(body)).count();
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()
                        .entrySet()
                        .stream()
                        .collect(java.util.stream.Collectors.toMap((e) -> e.getKey().toLowerCase(java.util.Locale.ROOT),
                                (e) -> e.getValue().get(0)))),
                    body, (int) earlier + 1);
            this.requests.add(request);
            Answer answer = behaviour.apply(request);
            if (!answer.bodyLate()) {
                pause(answer.delayMillis());
            }
            if (answer.contentType() != null) {
                exchange.getResponseHeaders().add("Content-Type", answer.contentType());
            }
            byte[] content = answer.body().getBytes(StandardCharsets.UTF_8);
            if (answer.status() == 204 || content.length == 0) {
                exchange.sendResponseHeaders(answer.status(), -1);
            }
            else {
                exchange.sendResponseHeaders(answer.status(), content.length);
                exchange.getResponseBody().flush();
                if (answer.bodyLate()) {
                    pause(answer.delayMillis());
                }
                exchange.getResponseBody().write(content);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        this.server.stop(0);
        // Handlers still pausing before a late answer end now, not after their pause.
        this.handlers.shutdownNow();
    }

    /** @param attempt how many requests with this body arrived so far, this one included */
    record Request(String method, String path, Map<String, String> headers, String body, int attempt) {

        String header(String name) {
            return this.headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** @param bodyLate whether the delay comes after the headers, before the body */
    record Answer(int status, String contentType, String body, long delayMillis, boolean bodyLate) {

        Answer(int status, String contentType, String body, long delayMillis) {
            this(status, contentType, body, delayMillis, false);
        }

        static Answer json() {
            return new Answer(200, "application/json", "{\"ok\":true}", 0);
        }

        static Answer noContent() {
            return new Answer(204, null, "", 0);
        }

        static Answer of(int status, String contentType) {
            return new Answer(status, contentType, "x", 0);
        }

        Answer after(long millis) {
            return new Answer(this.status, this.contentType, this.body, millis, false);
        }

        Answer bodyAfter(long millis) {
            return new Answer(this.status, this.contentType, this.body, millis, true);
        }
    }
}
