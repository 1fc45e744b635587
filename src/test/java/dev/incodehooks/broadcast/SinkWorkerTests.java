package dev.incodehooks.broadcast;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.incodehooks.Eventually;
import dev.incodehooks.MovableClock;
import dev.incodehooks.broadcast.BroadcastProperties.RetryProperties;
import dev.incodehooks.broadcast.BroadcastProperties.SinkProperties;
import dev.incodehooks.broadcast.BroadcastProperties.SinkType;
import dev.incodehooks.event.WebhookEvent;
import dev.incodehooks.inbox.Delivery;
import dev.incodehooks.inbox.DeliveryQueue;
import dev.incodehooks.inbox.DeliveryResult;
import dev.incodehooks.inbox.DeliveryState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's rules with a fake queue and fake sinks: what it takes, how an attempt ends whatever the sink
 * does, and what it does when a result cannot be written.
 */
class SinkWorkerTests {

    private final FakeQueue queue = new FakeQueue();

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T12:00:00Z"));

    private final ScheduledExecutorService alarms = Broadcaster.alarms();

    private SinkWorker worker;

    @AfterEach
    void stop() throws InterruptedException {
        if (this.worker != null) {
            this.worker.stopTaking();
            this.worker.awaitStopped();
        }
        this.alarms.shutdownNow();
    }

    @Test
    void anErrorThrownBySinkIsAFailedAttemptAndTheDeliveryIsRetried() throws Exception {
        this.queue.add(delivery(1));
        start((event, attempt) -> {
            throw new StackOverflowError("listener recursed");
        }, Duration.ofSeconds(5), 2);
        DeliveryResult result = this.queue.nextResult();
        assertThat(result.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(result.nextAttemptAt()).isAfter(this.clock.instant());
        assertThat(result.error()).startsWith("StackOverflowError");
    }

    @Test
    void aResultCarriesWhenItsAttemptStartedAndEnded() throws Exception {
        this.queue.add(delivery(1));
        Instant started = this.clock.instant();
        start((event, attempt) -> {
            this.clock.advance(Duration.ofSeconds(3));
            throw new DeliveryFailedException("HTTP 503");
        }, Duration.ofSeconds(5), 2);
        DeliveryResult result = this.queue.nextResult();
        assertThat(result.startedAt()).isEqualTo(started);
        assertThat(result.finishedAt()).isEqualTo(started.plusSeconds(3));
    }

    @Test
    void cutsAnAttemptShortAtTheSinksTimeout() throws Exception {
        this.queue.add(delivery(1));
        start((event, attempt) -> Thread.sleep(60_000), Duration.ofMillis(200), 2);
        DeliveryResult result = this.queue.nextResult();
        assertThat(result.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(result.error()).startsWith("Timed out after 200 ms");
    }

    @Test
    void takesOnlyWhatItsThreadsCanStartNow() throws Exception {
        for (int i = 1; i <= 10; i++) {
            this.queue.add(delivery(i));
        }
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        start((event, attempt) -> {
            started.incrementAndGet();
            release.await(30, TimeUnit.SECONDS);
        }, Duration.ofSeconds(60), 3);
        Eventually.until("three attempts under way", () -> started.get() == 3);
        for (int i = 0; i < 5; i++) {
            this.worker.wake();
            Thread.sleep(50);
        }
        assertThat(this.queue.taken).hasSize(3);
        release.countDown();
        for (int i = 0; i < 10; i++) {
            assertThat(this.queue.nextResult().state()).isEqualTo(DeliveryState.DELIVERED);
        }
        System.out.printf("rooms asked for: %s, most taken and not finished at once: %d%n", this.queue.reads,
                this.queue.mostOutstanding.get());
        assertThat(this.queue.reads).allSatisfy((room) -> assertThat(room).isBetween(1, 3));
        assertThat(this.queue.mostOutstanding).hasValueLessThanOrEqualTo(3);
    }

    @Test
    void waitsAsAfterAFailedAttemptWhenTheResultCannotBeWritten() throws Exception {
        this.queue.failWrites = true;
        this.queue.add(delivery(1));
        AtomicInteger attempts = new AtomicInteger();
        start((event, attempt) -> {
            attempts.incrementAndGet();
            throw new DeliveryFailedException("HTTP 500");
        }, Duration.ofSeconds(5), 2);
        Eventually.until("first attempt", () -> attempts.get() == 1);
        int reads = this.queue.reads.size();
        Eventually.until("many reads later", () -> this.queue.reads.size() > reads + 10);
        System.out.printf("attempts while the clock stood still and results could not be written: %d%n", attempts.get());
        assertThat(attempts).hasValue(1);
        this.clock.advance(Duration.ofSeconds(2));
        Eventually.until("second attempt once the wait is over", () -> attempts.get() == 2);
        this.queue.failWrites = false;
        this.clock.advance(Duration.ofSeconds(10));
        assertThat(this.queue.nextResult().error()).isEqualTo("HTTP 500");
    }

    @Test
    void countsAnAttemptThatTimesOutDuringTheShutdown() throws Exception {
        this.queue.add(delivery(1));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch timedOut = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        start((event, attempt) -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            }
            catch (InterruptedException ex) {
                // The alarm's interrupt: held until the test has seen it, so that however late the alarm comes,
                // the shutdown's own interrupt cannot come first.
                timedOut.countDown();
                awaitUninterruptibly(go);
                throw ex;
            }
        }, Duration.ofMillis(500), 2);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        this.worker.stopTaking();
        assertThat(timedOut.await(30, TimeUnit.SECONDS)).as("the attempt timed out").isTrue();
        go.countDown();
        this.worker.awaitStopped();
        DeliveryResult result = this.queue.nextResult();
        assertThat(result.attempts()).as("counted").isEqualTo(1);
        assertThat(result.error()).startsWith("Timed out after 500 ms");
        this.worker = null;
    }

    @Test
    void releasesWhatItTookAsTheShutdownBegan() throws Exception {
        for (int i = 1; i <= 3; i++) {
            this.queue.add(delivery(i));
        }
        AtomicInteger attempts = new AtomicInteger();
        this.queue.beforeDue = () -> this.worker.stopTaking();
        start((event, attempt) -> attempts.incrementAndGet(), Duration.ofSeconds(5), 4);
        for (int i = 0; i < 3; i++) {
            DeliveryResult result = this.queue.nextResult();
            assertThat(result.state()).isEqualTo(DeliveryState.PENDING);
            assertThat(result.attempts()).as("not counted").isZero();
            assertThat(result.startedAt()).as("not attempted").isNull();
        }
        assertThat(attempts).hasValue(0);
    }

    /**
     * A listener that ignores interruption outlives its timeout and half its lease: its claim is renewed
     * (so no other replica takes the delivery), and its result is written under the renewed claim.
     */
    @Test
    void renewsTheClaimOfAnAttemptThatOutlivesItsTimeout() throws Exception {
        this.queue.add(delivery(1).withClaim(this.clock.millis() + 5_400));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start((event, attempt) -> {
            started.countDown();
            while (true) {
                try {
                    release.await();
                    return;
                }
                catch (InterruptedException ex) {
                    // Ignored, as a careless listener would.
                }
            }
        }, Duration.ofMillis(200), 2);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        // Half the lease (2 x 200 ms + 5 s) later, the attempt still under way.
        this.clock.advance(Duration.ofMillis(2_800));
        this.worker.wake();
        Delivery renewed = this.queue.renewals.poll(30, TimeUnit.SECONDS);
        assertThat(renewed).isNotNull();
        release.countDown();
        DeliveryResult result = this.queue.nextResult();
        assertThat(result.delivery().claim()).isEqualTo(renewed.claim());
        assertThat(this.queue.renewals).isEmpty();
    }

    /**
     * The shutdown stops the reads, not the renewals: an attempt still under way while the process stops
     * keeps its claim, so that no other replica takes the delivery meanwhile.
     */
    @Test
    void keepsRenewingTheClaimOfAnAttemptUnderWayWhileStopping() throws Exception {
        this.queue.add(delivery(1).withClaim(this.clock.millis() + 5_400));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start((event, attempt) -> {
            started.countDown();
            release.await(30, TimeUnit.SECONDS);
        }, Duration.ofSeconds(30), 2);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        this.worker.stopTaking();
        this.clock.advance(Duration.ofSeconds(33));
        this.worker.wake();
        assertThat(this.queue.renewals.poll(30, TimeUnit.SECONDS)).as("renewed while stopping").isNotNull();
        release.countDown();
        this.worker.awaitStopped();
        assertThat(this.queue.nextResult().state()).isEqualTo(DeliveryState.DELIVERED);
        this.worker = null;
    }

    @Test
    void describesAFailureWithoutControlCharacters() {
        String error = SinkWorker.describe(
                new IllegalArgumentException("Unsupported note 'a\u0000b\u001b[31mc\nd\te\u0085f'"));
        assertThat(error).isEqualTo("IllegalArgumentException: Unsupported note 'a?b?[31mc?d?e?f'");
    }

    /** Waits out {@link SinkWorker#SHUTDOWN_GRACE}: the attempt outlives it. */
    @Test
    void releasesAnAttemptThatTheShutdownInterrupts() throws Exception {
        this.queue.add(delivery(1));
        CountDownLatch started = new CountDownLatch(1);
        start((event, attempt) -> {
            started.countDown();
            Thread.sleep(60_000);
        }, Duration.ofSeconds(30), 2);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        this.worker.stopTaking();
        this.worker.awaitStopped();
        DeliveryResult result = this.queue.nextResult();
        assertThat(result.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(result.attempts()).as("not counted").isZero();
        this.worker = null;
    }

    private void start(EventSink sink, Duration timeout, int concurrency) {
        RetryProperties retry = new RetryProperties(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 5);
        SinkProperties properties = new SinkProperties(SinkType.HTTP, URI.create("http://127.0.0.1:9/"), Map.of(),
                timeout, List.of(), List.of(), null, concurrency, retry, null);
        BroadcastMetrics metrics = new BroadcastMetrics(new SimpleMeterRegistry(), this.queue, this.clock,
                Map.of("fake", properties));
        this.worker = new SinkWorker("fake", sink, properties, this.queue, this.clock, metrics, this.alarms);
        this.worker.start();
    }

    private static Delivery delivery(long id) {
        WebhookEvent event = new WebhookEvent(UUID.randomUUID(), "onboarding-status", "interview-" + id, "ONBOARDING_FINISHED",
                Instant.now(), "127.0.0.1", "{}".getBytes());
        return new Delivery(id, "fake", 1, event, 0);
    }

    /** Hands out its deliveries as due until a result for them is recorded (and written). */
    static final class FakeQueue implements DeliveryQueue {

        final List<Delivery> pending = new CopyOnWriteArrayList<>();

        final List<Integer> reads = new CopyOnWriteArrayList<>();

        final List<Long> taken = new CopyOnWriteArrayList<>();

        final BlockingQueue<DeliveryResult> results = new LinkedBlockingQueue<>();

        final BlockingQueue<Delivery> renewals = new LinkedBlockingQueue<>();

        final AtomicInteger outstanding = new AtomicInteger();

        final AtomicInteger mostOutstanding = new AtomicInteger();

        volatile boolean failWrites;

        /** Runs at the start of each read, as a shutdown arriving while the dispatcher reads would. */
        volatile Runnable beforeDue = () -> {
        };

        void add(Delivery delivery) {
            this.pending.add(delivery);
        }

        DeliveryResult nextResult() throws InterruptedException {
            DeliveryResult result = this.results.poll(30, TimeUnit.SECONDS);
            assertThat(result).as("a result within 30 s").isNotNull();
            return result;
        }

        @Override
        public List<Delivery> due(String sink, boolean ordered, int room, Set<Long> exclude, Duration lease) {
            this.beforeDue.run();
            this.reads.add(room);
            List<Delivery> due = new ArrayList<>();
            for (Delivery delivery : this.pending) {
                if (due.size() < room && !exclude.contains(delivery.id())) {
                    due.add(delivery);
                    this.taken.add(delivery.id());
                    this.mostOutstanding.accumulateAndGet(this.outstanding.incrementAndGet(), Math::max);
                }
            }
            return due;
        }

        @Override
        public Optional<Delivery> renew(Delivery delivery, Duration lease) {
            Delivery renewed = delivery.withClaim(delivery.claim() + lease.toMillis());
            this.renewals.add(renewed);
            return Optional.of(renewed);
        }

        @Override
        public void complete(DeliveryResult result, Consumer<Boolean> afterWrite) {
            this.outstanding.decrementAndGet();
            if (this.failWrites) {
                afterWrite.accept(false);
                return;
            }
            this.pending.removeIf((delivery) -> delivery.id() == result.delivery().id());
            this.results.add(result);
            afterWrite.accept(true);
        }

        @Override
        public void onNewDeliveries(Consumer<Set<String>> listener) {
        }

        @Override
        public Map<String, Backlog> backlog() {
            return Map.of();
        }
    }

    /** Waits for the latch through interrupts, bounded: a failed test leaves no thread blocked for good. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean interrupted = false;
        while (latch.getCount() > 0 && System.nanoTime() < deadline) {
            try {
                latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            catch (InterruptedException ex) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
