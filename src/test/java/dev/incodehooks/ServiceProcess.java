package dev.incodehooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service as a separate JVM, as it runs in production, started from the test classpath: so that a
 * test can kill it for real ({@code kill -9}) and start it again.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;

    private final int port;

    private final int managementPort;

    private ServiceProcess(Process process, int port, int managementPort) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
    }

    /**
     * Starts the service on free ports, sending every event to one HTTP consumer, and waits until it is
     * ready.
     * @param log where the process writes its output
     * @param datasourceUrl the store
     * @param consumerUrl the HTTP sink's URL
     */
    public static ServiceProcess start(Path log, String datasourceUrl, String consumerUrl, String... arguments)
            throws Exception {
        return start(log, datasourceUrl, consumerUrl, freePort(), freePort(), arguments);
    }

    /**
     * Starts the service on the given ports (a restart on the same ports).
     * @param arguments more command-line arguments, such as the consumer sink's settings
     */
    public static ServiceProcess start(Path log, String datasourceUrl, String consumerUrl, int port,
            int managementPort, String... arguments) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and the serial collector: fewer compiler and collector threads taking the cores from the builds.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), IncodeWebhookReceiverApplication.class.getName(),
                "--server.port=" + port, "--management.server.port=" + managementPort,
                "--spring.datasource.url=" + datasourceUrl, "--webhooks.security.allowed-sources=127.0.0.1/32",
                "--webhooks.broadcast.sinks.consumer.type=http", "--webhooks.broadcast.sinks.consumer.url=" + consumerUrl,
                "--webhooks.broadcast.sinks.consumer.timeout=1s",
                "--webhooks.broadcast.sinks.consumer.retry.initial-interval=100ms",
                "--webhooks.broadcast.sinks.consumer.retry.max-interval=500ms", "--logging.level.dev.incodehooks=WARN",
                "--" + TestUsers.VIEWER, "--" + TestUsers.VIEWER_ROLE));
        for (String argument : arguments) {
            // A later argument with the same key would be joined to the first ("100ms,1s"): replace it.
            String key = argument.substring(0, argument.indexOf('=') + 1);
            command.removeIf((existing) -> existing.startsWith(key));
            command.add(argument);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
        ServiceProcess service = new ServiceProcess(process, port, managementPort);
        service.awaitReady();
        return service;
    }

    public int port() {
        return this.port;
    }

    public int managementPort() {
        return this.managementPort;
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    public void kill() throws InterruptedException {
        this.process.destroyForcibly();
        assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
    }

    /** SIGTERM: a graceful shutdown. */
    public void stop() throws InterruptedException {
        this.process.destroy();
        assertThat(this.process.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
    }

    /** SIGTERM without waiting for the process to end. */
    public void terminate() {
        this.process.destroy();
    }

    /** Waits for the process to end; its exit code. */
    public int awaitExit() throws InterruptedException {
        assertThat(this.process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        return this.process.exitValue();
    }

    /** SIGKILL, and waits until the process is gone (so that its files and mounts are free). */
    @Override
    public void close() throws InterruptedException {
        this.process.destroyForcibly();
        this.process.waitFor(30, TimeUnit.SECONDS);
    }

    private void awaitReady() throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest readiness = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(2))
            .build();
        // Bounded, not timed: .ci/run builds on two JDKs at once, and a start can take many times its usual seconds.
        Eventually.until("service up", Duration.ofSeconds(120), () -> {
            assertThat(this.process.isAlive()).as("service process alive").isTrue();
            try {
                return http.send(readiness, BodyHandlers.discarding()).statusCode() == 200;
            }
            catch (IOException ex) {
                return false;
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
