package dev.incodehooks.inbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The inbox as the delivery workers see it: due deliveries, their results, notices of new ones, and
 * what waits per sink.
 */
public interface DeliveryQueue {

    /**
     * Takes up to {@code room} pending deliveries of a sink that are due now, leaving out {@code exclude}.
     * On a shared store they are claimed for {@code lease}, so no other replica takes them meanwhile; the
     * caller takes only what it can start at once.
     * @param ordered whether a delivery waits while an earlier event of its interview is pending or dead on
     * this sink, and (on a shared store) until every event that could precede it is visible
     */
    List<Delivery> due(String sink, boolean ordered, int room, Set<Long> exclude, Duration lease);

    /**
     * Extends the claim on a delivery whose attempt is still under way past its timeout (an in-process
     * listener that ignores interruption), so that no other replica takes it meanwhile.
     * @return the delivery with its new claim; empty when the claim was lost (another replica took the
     * delivery over); the delivery as it is on a store of one process, which has no claims
     */
    Optional<Delivery> renew(Delivery delivery, Duration lease);

    /**
     * Records a result through the group commit, without waiting for it. A result is written only while
     * the delivery is still this attempt's: not after another replica took it over, nor over a replay.
     * @param afterWrite told, after the commit, whether it committed (a result fenced out counts as
     * committed: there is nothing left to write)
     */
    void complete(DeliveryResult result, Consumer<Boolean> afterWrite);

    /** Registers a callback run after each commit with the sinks that got new or replayed deliveries. */
    void onNewDeliveries(Consumer<Set<String>> listener);

    /** What waits per sink, for every sink with deliveries waiting, configured or not. */
    Map<String, Backlog> backlog();

    /**
     * What waits for one sink.
     * @param pending deliveries waiting for an attempt, or in flight
     * @param held pending deliveries held back behind a dead delivery of their interview
     * @param dead deliveries without an attempt left
     * @param oldestPendingReceivedAt when the oldest pending delivery's event was received, if any
     */
    record Backlog(long pending, long held, long dead, Instant oldestPendingReceivedAt) {
    }
}
