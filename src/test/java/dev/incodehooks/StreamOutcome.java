package dev.incodehooks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What became of a stream of webhooks an {@link IncodeLoad} sent: what was acknowledged, stored (read
 * from the store itself) and delivered to the consumer, once the consumer has every acknowledged event or
 * a bound has passed.
 *
 * @param sent webhooks sent
 * @param acknowledged interview ids answered {@code 200}
 * @param stored interview ids of the stored events, one per row
 * @param delivered interview ids the consumer received
 * @param requests requests the consumer received, redeliveries included
 */
record StreamOutcome(int sent, Set<String> acknowledged, List<String> stored, Set<String> delivered, int requests) {

    private static final Duration BOUND = Duration.ofMinutes(3);

    static StreamOutcome of(int sent, IncodeLoad load, TestConsumer consumer, String storeUrl) throws Exception {
        Set<String> acknowledged = Set.copyOf(load.acknowledged());
        Set<String> delivered = awaitDelivered(consumer, acknowledged);
        return new StreamOutcome(sent, acknowledged, storedInterviewIds(storeUrl), delivered, consumer.all().size());
    }

    /** Acknowledged but not stored. */
    Set<String> lost() {
        Set<String> lost = new HashSet<>(this.acknowledged);
        lost.removeAll(new HashSet<>(this.stored));
        return lost;
    }

    /** Acknowledged but not delivered. */
    Set<String> undelivered() {
        Set<String> undelivered = new HashSet<>(this.acknowledged);
        undelivered.removeAll(this.delivered);
        return undelivered;
    }

    /** Prints the counts, then asserts: all acknowledged, none lost, none stored twice, all delivered. */
    void assertNothingLost(String test) {
        System.out.printf("%s: sent=%d acknowledged=%d stored=%d delivered=%d deliveries received=%d lost=%d "
                + "undelivered=%d%n", test, this.sent, this.acknowledged.size(), this.stored.size(),
                this.delivered.size(), this.requests, lost().size(), undelivered().size());
        assertThat(this.acknowledged).hasSize(this.sent);
        assertThat(lost()).isEmpty();
        assertThat(this.stored).doesNotHaveDuplicates();
        assertThat(undelivered()).isEmpty();
    }

    /** Waits (bounded) until the consumer has every acknowledged event; returns what it has. */
    static Set<String> awaitDelivered(TestConsumer consumer, Set<String> acknowledged) throws InterruptedException {
        Set<String> delivered = new HashSet<>();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!delivered.containsAll(acknowledged) && System.nanoTime() < deadline) {
            consumer.all().forEach((request) -> delivered.add(IncodeLoad.interviewId(request.bodyText())));
            Thread.sleep(100);
        }
        return delivered;
    }

    static List<String> storedInterviewIds(String url) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url);
                ResultSet rows = connection.createStatement().executeQuery("SELECT interview_id FROM webhook_event")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
