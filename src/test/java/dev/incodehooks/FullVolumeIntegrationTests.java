package dev.incodehooks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.incodehooks.TestConsumer.Received;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The store's volume fills up while a consumer is failing: the results of its attempts cannot be written,
 * and that is no reason to send again at once. Each delivery waits as after a failed attempt; once there
 * is space again, everything is delivered. A real full volume: a small tmpfs (needs root, as in CI;
 * skipped elsewhere).
 */
class FullVolumeIntegrationTests {

    private static final int EVENTS = 10;

    private static final Duration WINDOW = Duration.ofSeconds(15);

    @Test
    void aFullVolumeSlowsRetriesDownInsteadOfStormingTheConsumer() throws Exception {
        Path volume = mountSmallVolume();
        try (TestConsumer consumer = TestConsumer.started((request) -> 500)) {
            String url = "jdbc:sqlite:" + volume.resolve("webhooks.db")
                    + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000";
            Path log = volume.getParent().resolve("full.log");
            try (ServiceProcess service = ServiceProcess.start(log, url, consumer.url(),
                    "--webhooks.broadcast.sinks.consumer.retry.initial-interval=1s",
                    "--webhooks.broadcast.sinks.consumer.retry.multiplier=2",
                    "--webhooks.broadcast.sinks.consumer.retry.max-interval=1m",
                    "--webhooks.broadcast.sinks.consumer.retry.max-attempts=1000")) {
                IncodeClient incode = IncodeClient.to(service.port());
                Set<String> interviews = new HashSet<>();
                for (int i = 0; i < EVENTS; i++) {
                    String interviewId = IncodePayloads.interviewId();
                    assertThat(incode.onboarding(interviewId, "ONBOARDING_FINISHED")).isEqualTo(200);
                    interviews.add(interviewId);
                }
                Eventually.until("every event attempted", () -> attempted(consumer).containsAll(interviews));

                Path filler = volume.resolve("filler");
                fill(filler);
                int before = consumer.all().size();
                Thread.sleep(WINDOW.toMillis());
                List<Received> all = consumer.all();
                List<Received> inWindow = all.subList(before, all.size());
                Map<String, Long> perDelivery = inWindow.stream()
                    .collect(Collectors.groupingBy(Received::webhookId, Collectors.counting()));
                long most = perDelivery.values().stream().mapToLong(Long::longValue).max().orElse(0);
                String output = Files.readString(log);
                System.out.printf("full volume test: requests in %d s=%d most for one delivery=%d%n",
                        WINDOW.toSeconds(), inWindow.size(), most);
                assertThat(output).as("results could not be written").contains("could not be written");
                assertThat(most).isLessThanOrEqualTo(6);

                Files.delete(filler);
                consumer.behave((request) -> 200);
                Eventually.until("everything delivered once there is space",
                        () -> consumer.accepted().stream().map((one) -> IncodeLoad.interviewId(one.bodyText()))
                            .collect(Collectors.toSet())
                            .containsAll(interviews));
                service.stop();
            }
        }
        finally {
            run("umount", volume.toString());
        }
    }

    /**
     * Webhooks on a full volume: {@code 503} with {@code Retry-After}, health DOWN naming the store's own
     * words; once there is space again, health is UP within seconds without any webhook sent, and
     * webhooks are stored again. No restart.
     */
    @Test
    void healthRecoversWhenSpaceIsBackWithoutAWebhookOrARestart() throws Exception {
        Path volume = mountSmallVolume();
        try (TestConsumer consumer = TestConsumer.healthy()) {
            String url = "jdbc:sqlite:" + volume.resolve("webhooks.db")
                    + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000";
            try (ServiceProcess service = ServiceProcess.start(volume.getParent().resolve("health.log"), url,
                    consumer.url())) {
                assertThat(IncodeClient.to(service.port()).onboarding(IncodePayloads.interviewId(), "EXPIRED"))
                    .isEqualTo(200);
                Path filler = volume.resolve("filler");
                fill(filler);
                RawHttp.Response refused = RawHttp.from("127.0.0.1", service.port())
                    .send("POST", "/webhooks/incode/onboarding-status", List.of("Content-Type: application/json"),
                            IncodePayloads.onboarding(IncodePayloads.interviewId(), "EXPIRED"));
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("30");
                RawHttp.Response down = health(service);
                System.out.printf("full volume health: %d %s%n", down.status(), down.bodyText());
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.bodyText()).contains("SQLITE_FULL");
                assertThat(Files.readString(volume.getParent().resolve("health.log"))).contains("SQLITE_FULL");

                Files.delete(filler);
                Eventually.until("health UP with no webhook sent", () -> health(service).status() == 200);
                assertThat(IncodeClient.to(service.port()).onboarding(IncodePayloads.interviewId(), "EXPIRED"))
                    .isEqualTo(200);
                service.stop();
            }
        }
        finally {
            run("umount", volume.toString());
        }
    }

    private static RawHttp.Response health(ServiceProcess service) {
        try {
            return RawHttp.from("127.0.0.1", service.managementPort()).send("GET", "/actuator/health",
                    List.of("Authorization: " + TestUsers.viewer()), new byte[0]);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A 16 MB tmpfs of this test's own (skips the test where it cannot be mounted: not root). */
    private static Path mountSmallVolume() throws Exception {
        Path volume = Files.createDirectories(TestStore.newSqliteFile().getParent().resolve("volume"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", volume.toString()) == 0,
                "needs root to mount a small tmpfs (CI runs as root)");
        return volume;
    }

    private static Set<String> attempted(TestConsumer consumer) {
        return consumer.all().stream().map((one) -> IncodeLoad.interviewId(one.bodyText())).collect(Collectors.toSet());
    }

    /** Writes zeros until the volume says it is full. */
    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        }
        catch (IOException ex) {
            // No space left on device: full.
        }
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
