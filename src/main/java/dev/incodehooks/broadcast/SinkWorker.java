package dev.incodehooks.broadcast;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;

import dev.incodehooks.inbox.Delivery;
import dev.incodehooks.inbox.DeliveryResult;
import dev.incodehooks.inbox.JdbcInbox;

/**
 * Delivers one sink's due deliveries with its own threads, so a sink that is down or slow only ever
 * delays itself. A dispatcher thread reads due deliveries (woken by each commit that adds some, else every
 * {@link #IDLE_POLL}), hands them to the sink's pool, and every attempt's result is written back through
 * the inbox's group commit. A delivery stays "in flight" until its result is committed and the
 * dispatcher has started a fresh read, so it is never attempted twice.
 */
final class SinkWorker {

    private static final Logger logger = LoggerFactory.getLogger(SinkWorker.class);

    static final Duration IDLE_POLL = Duration.ofMillis(250);

    private static final int MAX_ERROR_LENGTH = 500;

    private static final int MIN_IN_FLIGHT = 32;

    private final String name;

    private final EventSink sink;

    private final boolean ordered;

    private final int maxInFlight;

    /** How long a claimed delivery is ours on a shared store: longer than any attempt can take. */
    private final Duration lease;

    private final RetryPolicy retryPolicy;

    private final JdbcInbox inbox;

    private final Clock clock;

    private final BroadcastMetrics metrics;

    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    /** Deliveries whose result is committed; the dispatcher forgets them before its next read. */
    private final Queue<Long> finished = new ConcurrentLinkedQueue<>();

    private final Semaphore wake = new Semaphore(0);

    private final ExecutorService pool;

    private final Thread dispatcher;

    private volatile boolean running;

    SinkWorker(String name, EventSink sink, BroadcastProperties.SinkProperties properties, JdbcInbox inbox, Clock clock,
            BroadcastMetrics metrics) {
        this.name = name;
        this.sink = sink;
        this.ordered = properties.ordered();
        // Attempts wait in the pool's queue, and results wait for their commit: taking many at a time
        // keeps the sink busy while earlier results are being written.
        this.maxInFlight = Math.max(MIN_IN_FLIGHT, properties.concurrency() * 8);
        this.lease = properties.timeout().multipliedBy(2).plusSeconds(5);
        this.retryPolicy = new RetryPolicy(properties.retry());
        this.inbox = inbox;
        this.clock = clock;
        this.metrics = metrics;
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(properties.concurrency(), (task) -> {
            Thread thread = new Thread(task, "sink-" + name + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.dispatcher = new Thread(this::dispatch, "sink-" + name);
        this.dispatcher.setDaemon(true);
    }

    String name() {
        return this.name;
    }

    void start() {
        this.running = true;
        this.dispatcher.start();
    }

    /** Stops taking deliveries and lets the attempts under way finish (their results are written). */
    void stop() throws InterruptedException {
        this.running = false;
        wake();
        this.dispatcher.join(Duration.ofSeconds(5).toMillis());
        this.pool.shutdown();
        if (!this.pool.awaitTermination(10, TimeUnit.SECONDS)) {
            this.pool.shutdownNow();
        }
        if (this.sink instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            }
            catch (Exception ex) {
                logger.debug("Sink {} did not close cleanly: {}", this.name, ex.toString());
            }
        }
    }

    /** Looks for due deliveries now rather than at the next poll. */
    void wake() {
        if (this.wake.availablePermits() == 0) {
            this.wake.release();
        }
    }

    private void dispatch() {
        while (this.running) {
            try {
                // Only results committed before this read are forgotten: a read that started earlier
                // could still see their deliveries as pending.
                for (Long id = this.finished.poll(); id != null; id = this.finished.poll()) {
                    this.inFlight.remove(id);
                }
                int room = this.maxInFlight - this.inFlight.size();
                boolean full = false;
                if (room > 0) {
                    List<Delivery> due = this.inbox.due(this.name, this.ordered, this.clock.instant(), room,
                            this.inFlight, this.lease);
                    int started = 0;
                    for (Delivery delivery : due) {
                        if (started < room && this.inFlight.add(delivery.id())) {
                            started++;
                            this.pool.execute(() -> attempt(delivery));
                        }
                    }
                    full = (started == room);
                }
                if (!full) {
                    this.wake.tryAcquire(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
                    this.wake.drainPermits();
                }
                else {
                    this.wake.tryAcquire(10, TimeUnit.MILLISECONDS);
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException ex) {
                logger.warn("Sink {} could not read due deliveries: {}", this.name, ex.toString());
                sleepQuietly(IDLE_POLL.multipliedBy(4));
            }
        }
    }

    private void attempt(Delivery delivery) {
        DeliveryResult result;
        try {
            this.sink.deliver(delivery.event(), delivery.attempt());
            result = DeliveryResult.delivered(delivery);
            this.metrics.delivered(this.name, Duration.between(delivery.event().receivedAt(), this.clock.instant()));
        }
        catch (Exception ex) {
            String error = describe(ex);
            Optional<Duration> delay = this.retryPolicy.delayAfter(delivery.attempt());
            if (delay.isPresent()) {
                Instant next = this.clock.instant().plus(delay.get());
                result = DeliveryResult.retryAt(delivery, next, error);
                this.metrics.failed(this.name, "retry");
                logger.info("Sink {} attempt {} of event {} failed ({}), next at {}", this.name, delivery.attempt(),
                        delivery.event().id(), error, next);
            }
            else {
                result = DeliveryResult.dead(delivery, error);
                this.metrics.failed(this.name, "dead");
                logger.warn("Sink {} gave up on event {} ({}) after {} attempts: {}", this.name,
                        delivery.event().id(), delivery.event().type(), delivery.attempt(), error);
            }
        }
        try {
            this.inbox.complete(result, (committed) -> {
                this.finished.add(delivery.id());
                wake();
            });
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            this.finished.add(delivery.id());
        }
    }

    /** A short reason for the delivery's last error: a status or an exception type, never a payload. */
    static String describe(Exception ex) {
        String text;
        if (ex instanceof DeliveryFailedException) {
            text = ex.getMessage();
        }
        else if (ex instanceof RestClientResponseException response) {
            text = "HTTP " + response.getStatusCode().value();
        }
        else if (ex instanceof ResourceAccessException access && access.getCause() != null) {
            text = access.getCause().getClass().getSimpleName() + ": " + access.getCause().getMessage();
        }
        else {
            text = ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
        }
        return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "SinkWorker[" + this.name + "]";
    }
}
