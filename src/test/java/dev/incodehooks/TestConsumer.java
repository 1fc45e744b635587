package dev.incodehooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An internal system that receives events over HTTP: a real server on 127.0.0.1 whose answer to each
 * request is decided by a behaviour (a status code, or a delay first). It records every request.
 */
public final class TestConsumer implements AutoCloseable {

    private final int port;

    private volatile Function<Received, Integer> behaviour;

    private final List<Received> all = new CopyOnWriteArrayList<>();

    private final List<Received> accepted = new CopyOnWriteArrayList<>();

    private volatile HttpServer server;

    private TestConsumer(int port, Function<Received, Integer> behaviour) {
        this.port = port;
        this.behaviour = behaviour;
    }

    /** A consumer answering 200 to everything, already listening. */
    public static TestConsumer healthy() {
        return started(freePort(), (request) -> 200);
    }

    /** A consumer with the given behaviour, already listening. */
    public static TestConsumer started(Function<Received, Integer> behaviour) {
        return started(freePort(), behaviour);
    }

    /** A consumer that is down: its port is reserved but nothing listens until {@link #start()}. */
    public static TestConsumer down() {
        return new TestConsumer(freePort(), (request) -> 200);
    }

    private static TestConsumer started(int port, Function<Received, Integer> behaviour) {
        TestConsumer consumer = new TestConsumer(port, behaviour);
        consumer.start();
        return consumer;
    }

    public String url() {
        return "http://127.0.0.1:" + this.port + "/hooks";
    }

    public void behave(Function<Received, Integer> behaviour) {
        this.behaviour = behaviour;
    }

    public synchronized void start() {
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 50);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.server.createContext("/", this::handle);
        this.server.setExecutor(Executors.newCachedThreadPool());
        this.server.start();
    }

    /** Every request received, whatever it was answered. */
    public List<Received> all() {
        return List.copyOf(this.all);
    }

    /** Every request answered 2xx, in the order they came. */
    public List<Received> accepted() {
        return List.copyOf(this.accepted);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            Received received = new Received(exchange.getRequestHeaders().getFirst("X-Webhook-Id"),
                    exchange.getRequestHeaders().getFirst("X-Webhook-Type"),
                    Integer.parseInt(exchange.getRequestHeaders().getFirst("X-Webhook-Attempt")),
                    exchange.getRequestHeaders().getFirst("X-Webhook-Received-At"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestBody().readAllBytes());
            this.all.add(received);
            int status = this.behaviour.apply(received);
            if (status >= 200 && status < 300) {
                this.accepted.add(received);
            }
            exchange.sendResponseHeaders(status, -1);
        }
        finally {
            exchange.close();
        }
    }

    @Override
    public synchronized void close() {
        if (this.server != null) {
            this.server.stop(0);
            ((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
        }
    }

    /**
     * A behaviour that holds every first attempt until {@code release} (at most a minute), counting the
     * attempts held in {@code hanging}, then answers 200; later attempts are answered at once.
     */
    public static Function<Received, Integer> hangingOnFirstAttempt(CountDownLatch release, AtomicInteger hanging) {
        return (request) -> {
            if (request.attempt() == 1) {
                hanging.incrementAndGet();
                try {
                    release.await(60, TimeUnit.SECONDS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                hanging.decrementAndGet();
            }
            return 200;
        };
    }

    /** Waits, then answers: for a behaviour that hangs past the sink's timeout. */
    public static int after(Duration delay, int status) {
        try {
            Thread.sleep(delay.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        return status;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** One request as the consumer saw it. */
    public record Received(String webhookId, String type, int attempt, String receivedAt, String contentType,
            String authorization, byte[] body) {

        public String bodyText() {
            return new String(this.body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
