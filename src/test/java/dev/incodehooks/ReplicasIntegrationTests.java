package dev.incodehooks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.incodehooks.TestConsumer.Received;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas, separate JVMs on distinct ports, share one real PostgreSQL. Clients send to both; one
 * replica is killed with SIGKILL mid-stream and its clients move to the other (as a load balancer
 * would). Every acknowledged event is stored once and delivered; while both replicas were up, no event
 * was delivered twice (claims are exclusive); the dead replica's claims are taken over when their lease
 * expires.
 */
class ReplicasIntegrationTests {

    private static final int EVENTS = 3000;

    private static final int KILL_AFTER = 1000;

    private static final Duration BOUND = Duration.ofMinutes(3);

    @Test
    void replicasShareTheWorkAndLoseNothingWhenOneDies() throws Exception {
        String url = TestPostgres.newDatabaseUrl();
        Path logs = TestStore.newSqliteFile().getParent();
        try (TestConsumer consumer = TestConsumer.healthy();
                ServiceProcess a = ServiceProcess.start(logs.resolve("replica-a.log"), url, consumer.url());
                ServiceProcess b = ServiceProcess.start(logs.resolve("replica-b.log"), url, consumer.url())) {
            IncodeLoad load = IncodeLoad.start(EVENTS, 4,
                    (client) -> (client % 2 == 0) ? List.of(a.port(), b.port()) : List.of(b.port(), a.port()), BOUND);
            Eventually.until(KILL_AFTER + " acknowledged", () -> load.acknowledged().size() >= KILL_AFTER);
            List<Received> whileBothUp = consumer.all();
            a.kill();
            load.await(BOUND);
            Set<String> delivered = CrashRecoveryIntegrationTests.awaitDelivered(consumer, load.acknowledged());
            List<String> stored = CrashRecoveryIntegrationTests.storedInterviewIds(url);
            Set<String> lost = new HashSet<>(load.acknowledged());
            lost.removeAll(new HashSet<>(stored));
            Set<String> undelivered = new HashSet<>(load.acknowledged());
            undelivered.removeAll(delivered);
            System.out.printf("replicas test: sent=%d acknowledged=%d stored=%d delivered=%d deliveries received=%d "
                    + "(while both up: %d) lost=%d undelivered=%d%n", EVENTS, load.acknowledged().size(), stored.size(),
                    delivered.size(), consumer.all().size(), whileBothUp.size(), lost.size(), undelivered.size());
            assertThat(whileBothUp).extracting(Received::webhookId).doesNotHaveDuplicates();
            assertThat(load.acknowledged()).hasSize(EVENTS);
            assertThat(lost).isEmpty();
            assertThat(stored).doesNotHaveDuplicates();
            assertThat(undelivered).isEmpty();
        }
    }
}
