package dev.incodehooks.broadcast;

import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.incodehooks.inbox.Delivery;
import dev.incodehooks.inbox.DeliveryQueue;
import dev.incodehooks.inbox.DeliveryResult;
import dev.incodehooks.inbox.DeliveryState;

/**
 * Delivers one sink's due deliveries with its own threads, so a sink that is down or slow only ever
 * delays itself. A dispatcher thread takes due deliveries (woken by each commit that adds some, else every
 * {@link #IDLE_POLL}), only as many as the sink's threads can start at once, and every attempt's result
 * is written back through the inbox's group commit. Rules:
 * <ul>
 * <li>A delivery stays "in flight" from its attempt until its result is committed and the dispatcher has
 * started a fresh read, so this process never attempts it twice at once; on a shared store the claim
 * (a lease longer than any attempt) keeps other replicas off it, and is taken only for attempts that
 * start now.</li>
 * <li>Every attempt ends by the sink's timeout: the thread is interrupted then (the HTTP and Kafka sinks
 * also abort their own I/O), and whatever the sink throws, {@link Error}s included, is a failed attempt.
 * An attempt that outlives its timeout all the same (a listener that ignores interruption) keeps its
 * claim: the dispatcher renews it while the attempt runs.</li>
 * <li>A result that cannot be written is not a reason to send again at once: the delivery waits as after
 * a failed attempt, growing with each failed write.</li>
 * <li>At shutdown the attempts under way finish within their timeout; one interrupted by the shutdown is
 * released (due again at once, same attempt number) rather than counted.</li>
 * </ul>
 */
final class SinkWorker {

    private static final Logger logger = LoggerFactory.getLogger(SinkWorker.class);

    static final Duration IDLE_POLL = Duration.ofMillis(250);

    private static final List<String> LOG_FIELDS = List.of("eventId", "eventType", "interviewId", "sink");

    private static final int MAX_ERROR_LENGTH = 500;

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\x{80}-\\x{9F}]");

    private static final Duration FORGET_UNWRITTEN = Duration.ofHours(1);

    /** Longest a shutdown waits for the attempts under way before it interrupts and releases them. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final String name;

    private final EventSink sink;

    private final boolean ordered;

    private final int concurrency;

    private final Duration timeout;

    /** How long a claimed delivery is ours on a shared store: longer than an attempt and its result write. */
    private final Duration lease;

    private final RetryPolicy retryPolicy;

    private final DeliveryQueue queue;

    private final Clock clock;

    private final BroadcastMetrics metrics;

    private final ScheduledExecutorService alarms;

    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    /** Deliveries whose result is committed; the dispatcher forgets them before its next read. */
    private final Queue<Long> finished = new ConcurrentLinkedQueue<>();

    /** Deliveries whose last result could not be written, with when they may be tried again. */
    private final Map<Long, Unwritten> unwritten = new ConcurrentHashMap<>();

    /** Claims of the attempts under way on a shared store, by delivery. */
    private final Map<Long, Claim> claims = new ConcurrentHashMap<>();

    private final AtomicInteger attempts = new AtomicInteger();

    private final Semaphore wake = new Semaphore(0);

    private final ExecutorService pool;

    private final Thread dispatcher;

    private volatile boolean running;

    /** Set once the attempts under way have finished or been given up on: no claim is renewed after it. */
    private volatile boolean stopped;

    private volatile long stopTakingAt;

    SinkWorker(String name, EventSink sink, BroadcastProperties.SinkProperties properties, DeliveryQueue queue,
            Clock clock, BroadcastMetrics metrics, ScheduledExecutorService alarms) {
        this.name = name;
        this.sink = sink;
        this.ordered = properties.isOrdered();
        this.concurrency = properties.concurrency();
        this.timeout = properties.timeout();
        this.lease = properties.timeout().multipliedBy(2).plusSeconds(5);
        this.retryPolicy = new RetryPolicy(properties.retry());
        this.queue = queue;
        this.clock = clock;
        this.metrics = metrics;
        this.alarms = alarms;
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

    /** Stops taking deliveries; the attempts under way go on, and their claims are still renewed. */
    void stopTaking() {
        this.stopTakingAt = System.nanoTime();
        this.running = false;
        wake();
        this.pool.shutdown();
    }

    /**
     * Lets the attempts under way finish within their timeout, or {@link #SHUTDOWN_GRACE} if shorter, counted
     * from {@link #stopTaking()} (so the workers of several sinks wait at the same time, not one after
     * another); their results are queued for the writer. Then interrupts those still running and closes the
     * sink, which aborts its I/O, so that they are released. Claims are renewed until then; an attempt that
     * ignores even that keeps its claim until its lease ends.
     */
    void awaitStopped() throws InterruptedException {
        long grace = Math.min(this.timeout.toMillis() + 1000, SHUTDOWN_GRACE.toMillis())
                - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.stopTakingAt);
        if (!this.pool.awaitTermination(Math.max(grace, 0), TimeUnit.MILLISECONDS)) {
            this.pool.shutdownNow();
            closeSink();
            this.pool.awaitTermination(2, TimeUnit.SECONDS);
        }
        else {
            closeSink();
        }
        this.stopped = true;
        wake();
        this.dispatcher.join(Duration.ofSeconds(5).toMillis());
    }

    private void closeSink() {
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

    /** Whether the last look at the store found at least as many due deliveries as there was room for. */
    private volatile boolean backlog;

    private void dispatch() {
        while (this.running) {
            try {
                // Only results committed before this read are forgotten: a read that started earlier
                // could still see their deliveries as pending.
                for (Long id = this.finished.poll(); id != null; id = this.finished.poll()) {
                    this.inFlight.remove(id);
                }
                renewClaims();
                int room = this.concurrency - this.attempts.get();
                // No room: there may well be more due, to look for as soon as attempts end.
                boolean full = (room <= 0);
                if (room > 0) {
                    // On a shared store a delivery whose result was not written stays claimed until its lease
                    // ends: that is its wait there. Here, it waits out its own.
                    List<Delivery> due = this.queue.due(this.name, this.ordered, room, excluded(), this.lease);
                    int started = 0;
                    for (Delivery delivery : due) {
                        if (start(delivery)) {
                            started++;
                        }
                    }
                    full = (started == room);
                }
                this.backlog = full;
                if (full) {
                    this.wake.tryAcquire(10, TimeUnit.MILLISECONDS);
                }
                else {
                    this.wake.tryAcquire(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
                    this.wake.drainPermits();
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException | Error ex) {
                logger.warn("Sink {} could not read due deliveries: {}", this.name, ex.toString());
                sleepQuietly(IDLE_POLL.multipliedBy(4));
            }
        }
        // Stopping: no more reads, but the attempts still under way keep their claims while they run.
        while (!this.stopped) {
            renewClaims();
            try {
                this.wake.tryAcquire(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Renews the claims of attempts that are still under way half a lease after they were claimed. */
    private void renewClaims() {
        long now = this.clock.millis();
        for (Claim claim : this.claims.values()) {
            claim.renewIfDue(now);
        }
    }

    /**
     * Starts an attempt of a delivery just taken. One taken while stopping is released at once, never
     * left claimed until its lease ends.
     */
    private boolean start(Delivery delivery) {
        if (!this.running) {
            release(delivery);
            return false;
        }
        // Still in flight only when its result was committed after the last look at finished results.
        if (!this.inFlight.add(delivery.id()) && !this.finished.remove(delivery.id())) {
            // Taken again by this process (its lease ran out): the attempt under way goes on under the new claim.
            Claim claim = this.claims.get(delivery.id());
            if (claim != null) {
                claim.adopt(delivery);
            }
            logger.warn("Sink {}: event {} is due again while its attempt is still running", this.name,
                    delivery.event().id());
            return false;
        }
        this.attempts.incrementAndGet();
        try {
            this.pool.execute(() -> attempt(delivery));
            return true;
        }
        catch (RejectedExecutionException ex) {
            this.attempts.decrementAndGet();
            release(delivery);
            return false;
        }
    }

    private void release(Delivery delivery) {
        this.queue.complete(DeliveryResult.released(delivery, this.clock.instant()),
                (committed) -> written(delivery, committed, true));
    }

    private Set<Long> excluded() {
        long now = this.clock.millis();
        Set<Long> excluded = new HashSet<>(this.inFlight);
        // Kept until a result of theirs is written, so that each failed write waits longer than the last; or, as
        // another replica may have taken the delivery over, until an hour after their wait ended.
        this.unwritten.values().removeIf((wait) -> wait.notBefore() < now - FORGET_UNWRITTEN.toMillis());
        this.unwritten.values().stream().filter((wait) -> wait.notBefore() > now).forEach((wait) -> excluded.add(wait.id()));
        return excluded;
    }

    /** One attempt, on one of the sink's threads: whatever happens, the delivery ends up pending, delivered or dead. */
    private void attempt(Delivery delivery) {
        // Fields of every line about this attempt in structured logs: never the payload.
        MDC.put("eventId", delivery.event().id().toString());
        MDC.put("eventType", delivery.event().type());
        MDC.put("interviewId", delivery.event().interviewId());
        MDC.put("sink", this.name);
        boolean recorded = false;
        Claim claim = (delivery.claim() != 0) ? new Claim(delivery) : null;
        if (claim != null) {
            this.claims.put(delivery.id(), claim);
        }
        try {
            DeliveryResult result = result(delivery);
            if (claim != null) {
                result = result.of(claim.finish());
            }
            // Delivered on an unordered sink: nothing becomes due when it is written. Otherwise the next event
            // of its interview (ordered) or its retry may be, and the dispatcher looks at once.
            boolean wakeWhenWritten = this.ordered || result.state() != DeliveryState.DELIVERED;
            this.queue.complete(result, (committed) -> written(delivery, committed, wakeWhenWritten));
            recorded = true;
        }
        catch (RuntimeException | Error ex) {
            logger.error("Sink {} could not record attempt {} of event {}: {}", this.name, delivery.attempt(),
                    delivery.event().id(), ex.toString());
        }
        finally {
            if (claim != null) {
                this.claims.remove(delivery.id());
            }
            int running = this.attempts.decrementAndGet();
            if (!recorded) {
                written(delivery, false, true);
            }
            // The end of an attempt makes room, which matters only when the last look found more due deliveries
            // than there was room for; then the dispatcher looks again once half its room is free (or at its next
            // short poll). Otherwise the next look is at a commit with new deliveries: looking after every attempt
            // read the store once per event under load.
            if (this.backlog && running <= this.concurrency / 2) {
                wake();
            }
            LOG_FIELDS.forEach(MDC::remove);
        }
    }

    private DeliveryResult result(Delivery delivery) {
        Instant startedAt = this.clock.instant();
        Throwable failure = deliver(delivery);
        Instant finishedAt = this.clock.instant();
        if (failure == null) {
            this.metrics.delivered(this.name, Duration.between(delivery.event().receivedAt(), finishedAt));
            return DeliveryResult.delivered(delivery, startedAt, finishedAt);
        }
        String error = describe(failure);
        if (failure instanceof InterruptedException) {
            logger.info("Sink {} released event {} at shutdown", this.name, delivery.event().id());
            return DeliveryResult.released(delivery, this.clock.instant());
        }
        Optional<Duration> delay = this.retryPolicy.delayAfter(delivery.attempt());
        if (delay.isPresent()) {
            Instant next = finishedAt.plus(delay.get());
            this.metrics.failed(this.name, "retry");
            logger.info("Sink {} attempt {} of event {} failed ({}), next at {}", this.name, delivery.attempt(),
                    delivery.event().id(), error, next);
            return DeliveryResult.retryAt(delivery, startedAt, finishedAt, next, error);
        }
        this.metrics.failed(this.name, "dead");
        logger.warn("Sink {} gave up on event {} ({}) after {} attempts: {}", this.name, delivery.event().id(),
                delivery.event().type(), delivery.attempt(), error);
        return DeliveryResult.dead(delivery, startedAt, finishedAt, error);
    }

    /**
     * Calls the sink, interrupting it at the timeout.
     * @return null when delivered (even late), else why not: an {@link InterruptedException} when the
     * shutdown cut the attempt short, a {@link TimeoutAttemptException} when the timeout did
     */
    private @Nullable Throwable deliver(Delivery delivery) {
        Thread self = Thread.currentThread();
        AtomicBoolean over = new AtomicBoolean();
        ScheduledFuture<?> alarm = this.alarms.schedule(() -> {
            if (over.compareAndSet(false, true)) {
                self.interrupt();
            }
        }, this.timeout.toMillis(), TimeUnit.MILLISECONDS);
        Throwable failure = null;
        try {
            this.sink.deliver(delivery.event(), delivery.attempt());
        }
        catch (Throwable ex) {
            failure = ex;
        }
        boolean timedOut = !over.compareAndSet(false, true);
        if (timedOut) {
            awaitQuietly(alarm);
        }
        else {
            alarm.cancel(false);
        }
        // Cleared whatever happened, so that the pool's next attempt does not start interrupted.
        boolean interrupted = Thread.interrupted();
        if (failure == null) {
            return null;
        }
        if (timedOut) {
            return new TimeoutAttemptException(this.timeout, failure);
        }
        if (!this.running && (interrupted || failure instanceof InterruptedException
                || failure instanceof InterruptedIOException)) {
            return new InterruptedException("Shut down during the attempt");
        }
        return failure;
    }

    private void written(Delivery delivery, boolean committed, boolean wakeDispatcher) {
        if (committed) {
            this.unwritten.remove(delivery.id());
        }
        else {
            this.unwritten.compute(delivery.id(), (id, previous) -> {
                int failures = (previous != null) ? previous.failures() + 1 : 1;
                return new Unwritten(id, failures, this.clock.millis() + this.retryPolicy.pause(failures).toMillis());
            });
            logger.warn("Sink {}: the result of event {} could not be written; it waits before another attempt",
                    this.name, delivery.event().id());
        }
        this.finished.add(delivery.id());
        if (wakeDispatcher || !committed) {
            wake();
        }
    }

    /** A short reason for the delivery's last error: a status, an exception type, never a payload. */
    static String describe(Throwable ex) {
        String text = (ex instanceof DeliveryFailedException || ex instanceof TimeoutAttemptException) ? ex.getMessage()
                : ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
        // No control characters: PostgreSQL's text refuses NUL, and a result it refuses would never be written.
        text = CONTROL.matcher(text).replaceAll("?");
        return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }

    private static void awaitQuietly(ScheduledFuture<?> alarm) {
        try {
            alarm.get();
        }
        catch (InterruptedException ex) {
            // The alarm's own interrupt, arriving now: cleared by the caller.
        }
        catch (ExecutionException ex) {
            logger.debug("Attempt alarm failed: {}", ex.toString());
        }
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

    private record Unwritten(long id, int failures, long notBefore) {
    }

    /**
     * The claim on a delivery whose attempt is under way. Renewed half a lease after it was taken, and
     * every half lease after that, until the attempt ends; the result is then written under the last one.
     */
    private final class Claim {

        private Delivery current;

        private long renewAt;

        private boolean finished;

        Claim(Delivery delivery) {
            this.current = delivery;
            this.renewAt = SinkWorker.this.clock.millis() + SinkWorker.this.lease.toMillis() / 2;
        }

        synchronized void renewIfDue(long now) {
            if (this.finished || now < this.renewAt) {
                return;
            }
            Optional<Delivery> renewed;
            try {
                renewed = SinkWorker.this.queue.renew(this.current, SinkWorker.this.lease);
            }
            catch (RuntimeException ex) {
                // Tried again a second later, while the lease lasts.
                this.renewAt = now + 1000;
                logger.warn("Sink {} could not renew a claim: {}", SinkWorker.this.name, ex.toString());
                return;
            }
            if (renewed.isPresent()) {
                this.current = renewed.get();
                this.renewAt = now + SinkWorker.this.lease.toMillis() / 2;
                logger.warn("Sink {}: attempt {} of event {} is still under way past its timeout; its claim is renewed",
                        SinkWorker.this.name, this.current.attempt(), this.current.event().id());
            }
            else {
                this.renewAt = Long.MAX_VALUE;
                logger.warn("Sink {}: attempt {} of event {} lost its claim while under way", SinkWorker.this.name,
                        this.current.attempt(), this.current.event().id());
            }
        }

        /** Takes a claim this process took again on the same delivery while the attempt was under way. */
        synchronized void adopt(Delivery reclaimed) {
            if (!this.finished && reclaimed.attempt() == this.current.attempt()) {
                this.current = reclaimed;
                this.renewAt = SinkWorker.this.clock.millis() + SinkWorker.this.lease.toMillis() / 2;
            }
        }

        /** The delivery as last claimed; no renewal after this. */
        synchronized Delivery finish() {
            this.finished = true;
            return this.current;
        }
    }

    /** An attempt cut short at the sink's timeout. */
    static final class TimeoutAttemptException extends Exception {

        TimeoutAttemptException(Duration timeout, Throwable cause) {
            super("Timed out after " + timeout.toMillis() + " ms (" + cause.getClass().getSimpleName() + ")", cause,
                    false, false);
        }
    }
}
