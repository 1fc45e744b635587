package dev.incodehooks.inbox;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.SettableClock;
import dev.incodehooks.TestConsumer;
import dev.incodehooks.event.IncomingWebhook;
import dev.incodehooks.event.WebhookEvent;
import dev.incodehooks.inbox.Inbox.Acceptance;
import dev.incodehooks.inbox.InboxAdmin.AttemptView;
import dev.incodehooks.inbox.InboxAdmin.AuditEntry;
import dev.incodehooks.inbox.InboxAdmin.Criteria;
import dev.incodehooks.inbox.InboxAdmin.DeliveryDetail;
import dev.incodehooks.inbox.InboxAdmin.DeliveryView;
import dev.incodehooks.inbox.InboxAdmin.EventView;
import dev.incodehooks.inbox.InboxAdmin.Page;
import dev.incodehooks.inbox.InboxAdmin.SinkSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the operator console reads and does, on a real store: the attempts of each delivery (across a replay,
 * never for a result the fence refuses or a release), the audit trail, events found by criteria and dead
 * deliveries a page at a time, and the sinks. Each sink takes only the events of one test (by status).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@ExtendWith(OutputCaptureExtension.class)
@Import(SettableClock.InPlace.class)
class InboxAdminIntegrationTests {

    static final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    /** Fails the first two requests of each event, whatever their attempt number (a replay starts again at 1). */
    static final TestConsumer flaky = TestConsumer.started(
            (request) -> (requests.computeIfAbsent(request.webhookId(), (id) -> new AtomicInteger()).incrementAndGet() <= 2)
                    ? 503 : 200);

    static final TestConsumer refusing = TestConsumer.started((request) -> 500);

    static final TestConsumer down = TestConsumer.down();

    @Autowired
    Inbox inbox;

    @Autowired
    DeliveryQueue queue;

    @Autowired
    InboxAdmin admin;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    InboxDialect dialect;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    SettableClock clock;

    @DynamicPropertySource
    static void sinks(DynamicPropertyRegistry registry) {
        sink(registry, "flaky", flaky, "FLAKY", "50ms", 5);
        sink(registry, "waiting", down, "WAITING", "1h", 10);
        sink(registry, "paged", refusing, "PAGED", "50ms", 1);
        sink(registry, "audited", refusing, "AUDITED", "50ms", 1);
        sink(registry, "chain", refusing, "CHAIN", "50ms", 1);
        registry.add("webhooks.broadcast.sinks.chain.ordered", () -> "true");
        sink(registry, "idle", refusing, "IDLE", "50ms", 1);
    }

    private static void sink(DynamicPropertyRegistry registry, String name, TestConsumer consumer, String status,
            String initialInterval, int maxAttempts) {
        String prefix = "webhooks.broadcast.sinks." + name + ".";
        registry.add(prefix + "type", () -> "http");
        registry.add(prefix + "url", consumer::url);
        registry.add(prefix + "statuses", () -> status);
        registry.add(prefix + "retry.initial-interval", () -> initialInterval);
        registry.add(prefix + "retry.max-attempts", () -> maxAttempts);
    }

    @AfterAll
    static void close() {
        List.of(flaky, refusing, down).forEach(TestConsumer::close);
    }

    @Test
    void keepsEveryAttemptOfADeliveryAcrossAReplay() throws Exception {
        String interviewId = accept("onboarding-status", IncodePayloads.interviewId(), "FLAKY");
        String eventId = eventId(interviewId);
        Eventually.until("delivered at the third attempt", () -> attempts(eventId, "flaky").size() == 3);
        DeliveryView delivery = delivery(eventId, "flaky").delivery();
        assertThat(delivery.state()).isEqualTo("delivered");

        assertThat(this.admin.replayDelivery(delivery.id(), "history-alice").replayed()).isEqualTo(1);
        Eventually.until("delivered again", () -> attempts(eventId, "flaky").size() == 4);

        DeliveryDetail detail = delivery(eventId, "flaky");
        List<AttemptView> attempts = detail.attempts();
        System.out.printf("attempts of delivery %d: %s%n", detail.delivery().id(), attempts);
        assertThat(attempts).extracting(AttemptView::attempt).containsExactly(1, 2, 3, 4);
        assertThat(attempts).extracting(AttemptView::outcome).containsExactly("failed", "failed", "delivered", "delivered");
        assertThat(attempts).extracting(AttemptView::error).containsExactly("HTTP 503", "HTTP 503", null, null);
        assertThat(attempts).allSatisfy((attempt) -> assertThat(attempt.startedAt()).isBeforeOrEqualTo(attempt.finishedAt()));
        for (int i = 1; i < attempts.size(); i++) {
            assertThat(attempts.get(i).startedAt()).isAfterOrEqualTo(attempts.get(i - 1).finishedAt());
        }
        assertThat(detail.delivery().state()).isEqualTo("delivered");
        assertThat(detail.delivery().attempts()).as("counted again from the replay").isEqualTo(1);
        assertThat(detail.ordered()).isFalse();
        assertThat(flaky.all().stream().filter((request) -> request.webhookId().equals(eventId))).hasSize(4);
    }

    @Test
    void aResultTheFenceRefusesRecordsNoAttempt() throws Exception {
        String interviewId = accept("onboarding-status", IncodePayloads.interviewId(), "WAITING");
        String eventId = eventId(interviewId);
        Eventually.until("first attempt failed", () -> delivery(eventId, "waiting").delivery().attempts() == 1);

        // The first attempt's result once more, as from a replica whose lease had run out: the row has moved on.
        DeliveryResult stale = DeliveryResult.delivered(taken(eventId, "waiting", 1), Instant.now(), Instant.now());
        assertThat(written(stale)).isTrue();

        DeliveryDetail detail = delivery(eventId, "waiting");
        assertThat(detail.delivery().state()).isEqualTo("pending");
        assertThat(detail.delivery().attempts()).isEqualTo(1);
        assertThat(detail.attempts()).extracting(AttemptView::outcome).containsExactly("failed");
    }

    /**
     * Replica A takes a delivery and its lease runs out before its result is written; replica B takes it
     * over for the same attempt number. A's result is fenced out (it never lands on B's claim), B's lands.
     */
    @Test
    void aResultFromALeaseTakenOverIsFencedOut() throws Exception {
        assumeTrue(this.dialect.claims(), "leases exist only on a store shared by replicas");
        String eventId = eventId(accept("onboarding-status", IncodePayloads.interviewId(), "TAKEN_OVER"));
        long id = insertDelivery("taken-over", eventId, "pending", Instant.now());
        Delivery byA = this.queue.due("taken-over", false, 1, Set.of(), Duration.ofMinutes(1)).get(0);
        assertThat(this.queue.due("taken-over", false, 1, Set.of(), Duration.ofMinutes(1))).isEmpty();
        // A's lease runs out: the clock moves past it rather than the test waiting for it.
        Delivery byB;
        this.clock.advance(Duration.ofMinutes(2));
        try {
            byB = this.queue.due("taken-over", false, 1, Set.of(), Duration.ofMinutes(1)).get(0);
        }
        finally {
            this.clock.advance(Duration.ofMinutes(-2));
        }
        assertThat(byB.id()).isEqualTo(id);
        assertThat(byB.attempt()).isEqualTo(byA.attempt());

        assertThat(written(DeliveryResult.delivered(byA, Instant.now(), Instant.now()))).isTrue();
        DeliveryDetail afterA = delivery(eventId, "taken-over");
        assertThat(afterA.delivery().state()).isEqualTo("pending");
        assertThat(afterA.attempts()).isEmpty();

        assertThat(written(DeliveryResult.retryAt(byB, Instant.now(), Instant.now(), Instant.now().plusSeconds(60),
                "HTTP 503"))).isTrue();
        DeliveryDetail afterB = delivery(eventId, "taken-over");
        assertThat(afterB.delivery().state()).isEqualTo("pending");
        assertThat(afterB.delivery().attempts()).isEqualTo(1);
        assertThat(afterB.attempts()).extracting(AttemptView::outcome).containsExactly("failed");
    }

    /**
     * An attempt outlives its lease and renews it: no other replica takes the delivery meanwhile, the result
     * lands under the renewed claim, and the claim it replaced can renew nothing more.
     */
    @Test
    void aRenewedClaimKeepsOtherReplicasOff() throws Exception {
        assumeTrue(this.dialect.claims(), "leases exist only on a store shared by replicas");
        String eventId = eventId(accept("onboarding-status", IncodePayloads.interviewId(), "RENEWED"));
        insertDelivery("renewed", eventId, "pending", Instant.now());
        Delivery taken = this.queue.due("renewed", false, 1, Set.of(), Duration.ofMillis(200)).get(0);
        Delivery renewed = this.queue.renew(taken, Duration.ofMinutes(1)).orElseThrow();
        Thread.sleep(400);
        assertThat(this.queue.due("renewed", false, 1, Set.of(), Duration.ofMinutes(1))).isEmpty();
        assertThat(this.queue.renew(taken, Duration.ofMinutes(1))).isEmpty();

        assertThat(written(DeliveryResult.delivered(renewed, Instant.now(), Instant.now()))).isTrue();
        DeliveryDetail detail = delivery(eventId, "renewed");
        assertThat(detail.delivery().state()).isEqualTo("delivered");
        assertThat(detail.attempts()).extracting(AttemptView::outcome).containsExactly("delivered");
    }

    @Test
    void aReleasedDeliveryRecordsNoAttempt() throws Exception {
        String interviewId = accept("onboarding-status", IncodePayloads.interviewId(), "WAITING");
        String eventId = eventId(interviewId);
        Eventually.until("first attempt failed", () -> delivery(eventId, "waiting").delivery().attempts() == 1);

        // Taken for its second attempt and released unattempted (as at shutdown): due again at once.
        assertThat(written(DeliveryResult.released(taken(eventId, "waiting", 2), Instant.now()))).isTrue();
        Eventually.until("second attempt failed", () -> delivery(eventId, "waiting").delivery().attempts() == 2);

        assertThat(attempts(eventId, "waiting")).extracting(AttemptView::attempt).containsExactly(1, 2);
    }

    @Test
    void auditsEachActionWithItsActorAndWhatItChanged(CapturedOutput output) throws Exception {
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            eventIds.add(eventId(accept("onboarding-status", IncodePayloads.interviewId(), "AUDITED")));
        }
        Eventually.until("all dead", () -> eventIds.stream().allMatch((id) -> isDead(id, "audited")));
        long skipped = delivery(eventIds.get(0), "audited").delivery().id();
        long replayed = delivery(eventIds.get(1), "audited").delivery().id();
        List<Long> gone = List.of(insertDelivery("gone-audit", eventIds.get(0), "pending", Instant.now()),
                insertDelivery("gone-audit", eventIds.get(0), "dead", Instant.now()));
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS); // the store keeps milliseconds

        assertThat(this.admin.skip(skipped, "audit-alice")).isEqualTo(1);
        assertThat(this.admin.skip(skipped, "audit-alice")).as("no longer dead").isZero();
        assertThat(this.admin.replayDelivery(replayed, "audit-bob").replayed()).isEqualTo(1);
        assertThat(this.admin.replayEvent(eventIds.get(2), "audit-carol").replayed()).isEqualTo(1);
        Eventually.until("dead again", () -> isDead(eventIds.get(1), "audited") && isDead(eventIds.get(2), "audited"));
        assertThat(this.admin.replayDead("audited", "audit-dave").replayed()).isEqualTo(2);
        assertThatIllegalArgumentException().isThrownBy(() -> this.admin.replayDead("gone-audit", "audit-mallory"));
        assertThat(this.admin.drop("gone-audit", "audit-erin")).isEqualTo(gone.size());
        this.admin.audit("audit-frank", "reveal-payload", "event " + eventIds.get(0), 1);

        List<AuditEntry> trail = this.admin.audit(100)
            .stream()
            .filter((entry) -> entry.actor().startsWith("audit-"))
            .toList();
        assertThat(trail).extracting(AuditEntry::actor, AuditEntry::action, AuditEntry::target, AuditEntry::affected)
            .containsExactly(tuple("audit-frank", "reveal-payload", "event " + eventIds.get(0), 1),
                    tuple("audit-erin", "drop", "sink gone-audit", 2), tuple("audit-dave", "replay", "sink audited", 2),
                    tuple("audit-carol", "replay", "event " + eventIds.get(2), 1),
                    tuple("audit-bob", "replay", "delivery " + replayed, 1),
                    tuple("audit-alice", "skip", "delivery " + skipped, 0),
                    tuple("audit-alice", "skip", "delivery " + skipped, 1));
        assertThat(trail).allSatisfy((entry) -> assertThat(entry.at()).isBetween(before, Instant.now()));
        assertThat(output).contains("Admin action skip by audit-alice: delivery " + skipped + " skipped=1",
                "Admin action replay by audit-bob: delivery " + replayed + " replayed=1",
                "Admin action replay by audit-dave: sink audited replayed=2",
                "Admin action drop by audit-erin: sink gone-audit dropped=2");
    }

    @Test
    void findsEventsByInterviewTypeStatusAndTimeAPageAtATime() throws Exception {
        String a = IncodePayloads.interviewId();
        String b = IncodePayloads.interviewId();
        String c = IncodePayloads.interviewId();
        List<String[]> sent = List.of(new String[] { "onboarding-status", a, "ID_VALIDATION_FINISHED" },
                new String[] { "ine-scraping", a, "STARTED" }, new String[] { "onboarding-status", b, "ID_VALIDATION_FINISHED" },
                new String[] { "onboarding-status", a, "FACE_VALIDATION_FINISHED" }, new String[] { "ine-scraping", b, "STARTED" },
                new String[] { "ine-scraping", a, "IN_PROGRESS" }, new String[] { "onboarding-status", c, "ONBOARDING_FINISHED" },
                new String[] { "onboarding-status", a, "ONBOARDING_FINISHED" }, new String[] { "ine-scraping", c, "FINISHED" },
                new String[] { "ine-scraping", a, "FINISHED" }, new String[] { "onboarding-status", b, "ONBOARDING_FINISHED" },
                new String[] { "onboarding-status", a, "MANUAL_REVIEW_APPROVED" }, new String[] { "ine-scraping", b, "FINISHED" });
        for (String[] event : sent) {
            accept(event[0], event[1], event[2]);
            Thread.sleep(2);
        }
        // Every event of this test, newest first, from the list that existed before the console's.
        List<EventView> all = Stream.of(a, b, c)
            .flatMap((id) -> this.admin.events(id, null, null, 100).stream())
            .sorted(Comparator.comparing(EventView::id).reversed())
            .toList();
        assertThat(all).hasSize(sent.size());
        Instant first = all.get(all.size() - 1).receivedAt();
        Instant end = all.get(0).receivedAt().plusMillis(1);

        assertThat(pageSizes(new Criteria(a, null, null, null, null), 3, all, (event) -> event.interviewId().equals(a)))
            .containsExactly(3, 3, 1);
        assertThat(pageSizes(new Criteria(null, "ine-scraping", null, first, end), 2, all,
                (event) -> event.type().equals("ine-scraping")))
            .containsExactly(2, 2, 2);
        assertThat(pageSizes(new Criteria(null, null, "ONBOARDING_FINISHED", first, end), 1, all,
                (event) -> "ONBOARDING_FINISHED".equals(event.status())))
            .containsExactly(1, 1, 1);
        // From inclusive, to exclusive: the events received from the tenth newest to just before the third newest.
        Instant from = all.get(9).receivedAt();
        Instant to = all.get(2).receivedAt();
        assertThat(pageSizes(new Criteria(null, null, null, from, to), 2, all,
                (event) -> !event.receivedAt().isBefore(from) && event.receivedAt().isBefore(to)))
            .containsExactly(2, 2, 2, 1);
        assertThat(pageSizes(new Criteria(b, "onboarding-status", "ONBOARDING_FINISHED", first, end), 1, all,
                (event) -> event.interviewId().equals(b) && "ONBOARDING_FINISHED".equals(event.status())))
            .containsExactly(1);
    }

    @Test
    void aPageIsNeitherShiftedNorRepeatedByEventsReceivedMeanwhile() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        for (String status : List.of("ID_VALIDATION_FINISHED", "FACE_VALIDATION_FINISHED", "ONBOARDING_FINISHED")) {
            accept("onboarding-status", interviewId, status);
        }
        List<String> before = this.admin.events(interviewId, null, null, 10).stream().map(EventView::id).toList();
        Criteria criteria = new Criteria(interviewId, null, null, null, null);

        Page<EventView> page = this.admin.find(criteria, null, 2);
        accept("onboarding-status", interviewId, "MANUAL_REVIEW_APPROVED");
        Page<EventView> next = this.admin.find(criteria, page.next(), 2);

        assertThat(Stream.concat(page.items().stream(), next.items().stream()).map(EventView::id)).containsExactlyElementsOf(before);
        assertThat(next.next()).isNull();
        assertThat(this.admin.find(criteria, null, 10).items()).hasSize(4);
    }

    @Test
    void refusesACursorItDidNotGiveAndAPageSizeOutOfRange() {
        Criteria any = new Criteria(null, null, null, null, null);
        assertThatIllegalArgumentException().isThrownBy(() -> this.admin.find(any, "not-a-cursor", 10));
        assertThatIllegalArgumentException().isThrownBy(() -> this.admin.find(any, "1-1-1-1-1", 10));
        assertThatIllegalArgumentException().isThrownBy(() -> this.admin.find(any, null, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> this.admin.dead("paged", "abc", 10));
        assertThatIllegalArgumentException().isThrownBy(() -> this.admin.dead("paged", "-5", 10));
        assertThatIllegalArgumentException().isThrownBy(() -> this.admin.dead("paged", null, 1001));
    }

    @Test
    void findsByInterviewThroughItsIndex() throws Exception {
        String interviewId = accept("onboarding-status", IncodePayloads.interviewId(), "ONBOARDING_FINISHED");
        InboxAdmin.Query query = InboxAdmin.findQuery(new Criteria(interviewId, null, null, null, null),
                UUID.randomUUID().toString(), 51);
        boolean postgres = this.dialect == InboxDialect.POSTGRESQL;
        String plan = this.transactions.execute((status) -> {
            if (postgres) {
                // A table this small is cheapest to read whole: the question is which index serves the query.
                this.jdbc.sql("SET LOCAL enable_seqscan = off").update();
            }
            return String.join("\n", this.jdbc.sql((postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + query.sql())
                .params(query.params())
                .query((rs, row) -> rs.getString(postgres ? 1 : 4))
                .list());
        });
        System.out.println(plan);
        assertThat(plan).contains("webhook_event_interview");
    }

    @Test
    void pagesThroughTheDeadDeliveriesOfASink() throws Exception {
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            eventIds.add(eventId(accept("onboarding-status", IncodePayloads.interviewId(), "PAGED")));
        }
        Eventually.until("all dead", () -> this.admin.deadCount("paged") == 7);
        List<Long> dead = this.admin.deliveries("paged", "dead", 100).stream().map(DeliveryView::id).toList();

        List<List<DeliveryView>> pages = pages((cursor) -> this.admin.dead("paged", cursor, 3));

        assertThat(pages).extracting(List::size).containsExactly(3, 3, 1);
        assertThat(pages.stream().flatMap(List::stream).map(DeliveryView::id)).containsExactlyElementsOf(dead);
        assertThat(pages.stream().flatMap(List::stream)).allSatisfy((delivery) -> {
            assertThat(delivery.sink()).isEqualTo("paged");
            assertThat(delivery.state()).isEqualTo("dead");
        });
        assertThat(delivery(eventIds.get(0), "paged").attempts()).singleElement().satisfies((attempt) -> {
            assertThat(attempt.outcome()).isEqualTo("dead");
            assertThat(attempt.error()).isEqualTo("HTTP 500");
        });
        assertThat(this.admin.deadCount("idle")).isZero();
        assertThat(this.admin.dead("idle", null, 3)).isEqualTo(new Page<>(List.of(), null));
    }

    @Test
    void summarisesEveryConfiguredSinkAndEverySinkLeftWithDeliveries() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        String dead = eventId(accept("onboarding-status", interviewId, "CHAIN"));
        Eventually.until("dead", () -> isDead(dead, "chain"));
        accept("ine-scraping", interviewId, "CHAIN");
        EventView held = this.admin.events(interviewId, "ine-scraping", null, 1).get(0);
        Instant leftOver = held.receivedAt().minusSeconds(60);
        insertDelivery("gone", held.id(), "pending", leftOver);
        insertDelivery("gone", held.id(), "dead", held.receivedAt());

        Map<String, SinkSummary> sinks = this.admin.sinks()
            .stream()
            .collect(Collectors.toMap(SinkSummary::sink, Function.identity()));

        assertThat(sinks).containsKeys("flaky", "waiting", "paged", "audited", "chain", "idle", "gone");
        assertThat(sinks.get("chain")).isEqualTo(new SinkSummary("chain", true, true, 1, 1, 1, held.receivedAt()));
        assertThat(sinks.get("gone")).isEqualTo(new SinkSummary("gone", false, false, 1, 0, 1, leftOver));
        assertThat(sinks.get("idle")).isEqualTo(new SinkSummary("idle", true, false, 0, 0, 0, null));
        assertThat(this.admin.sinks()).extracting(SinkSummary::sink).isSorted();
    }

    @Test
    void givesThePayloadByteForByte() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        byte[] body = IncodePayloads.onboarding(interviewId, "ONBOARDING_FINISHED");
        assertThat(this.inbox.accept(new IncomingWebhook("onboarding-status", interviewId, "ONBOARDING_FINISHED",
                "127.0.0.1", body))).isEqualTo(Acceptance.STORED);

        assertThat(this.admin.payload(eventId(interviewId))).hasValue(body);
        assertThat(this.admin.payload(UUID.randomUUID().toString())).isEmpty();
        assertThat(this.admin.event(UUID.randomUUID().toString())).isEmpty();
    }

    /** Pages through what a criteria finds, checks that it is every matching event once, newest first. */
    private List<Integer> pageSizes(Criteria criteria, int size, List<EventView> all, Predicate<EventView> matching) {
        List<String> expected = all.stream().filter(matching).map(EventView::id).toList();
        List<List<EventView>> pages = pages((cursor) -> this.admin.find(criteria, cursor, size));
        List<String> found = pages.stream().flatMap(List::stream).map(EventView::id).toList();
        System.out.printf("%s, %d a page: %s%n", criteria, size, pages.stream().map(List::size).toList());
        assertThat(new HashSet<>(found)).as("no event twice").hasSameSizeAs(found);
        assertThat(found).as("events of %s", criteria).containsExactlyElementsOf(expected);
        return pages.stream().map(List::size).toList();
    }

    /** Every page, first to last. */
    private static <T> List<List<T>> pages(Function<@Nullable String, Page<T>> query) {
        List<List<T>> pages = new ArrayList<>();
        String cursor = null;
        do {
            Page<T> page = query.apply(cursor);
            pages.add(page.items());
            cursor = page.next();
        }
        while (cursor != null && pages.size() < 100);
        return pages;
    }

    /** Stores one event of an interview; returns the interview id. */
    private String accept(String type, String interviewId, String status) {
        byte[] body = type.equals("ine-scraping") ? IncodePayloads.ineScraping(interviewId, status)
                : IncodePayloads.onboarding(interviewId, status);
        assertThat(this.inbox.accept(new IncomingWebhook(type, interviewId, status, "127.0.0.1", body)))
            .isEqualTo(Acceptance.STORED);
        return interviewId;
    }

    /** The newest event of an interview. */
    private String eventId(String interviewId) {
        return this.admin.events(interviewId, null, null, 1).get(0).id();
    }

    private DeliveryDetail delivery(String eventId, String sink) {
        return this.admin.event(eventId)
            .orElseThrow()
            .deliveries()
            .stream()
            .filter((delivery) -> delivery.delivery().sink().equals(sink))
            .findFirst()
            .orElseThrow();
    }

    private List<AttemptView> attempts(String eventId, String sink) {
        return delivery(eventId, sink).attempts();
    }

    private boolean isDead(String eventId, String sink) {
        return delivery(eventId, sink).delivery().state().equals("dead");
    }

    /** A delivery as a worker takes it for an attempt (on a store of one process, or after its claim ended). */
    private Delivery taken(String eventId, String sink, int attempt) {
        EventView event = this.admin.event(eventId).orElseThrow().event();
        WebhookEvent taken = new WebhookEvent(UUID.fromString(eventId), event.type(), event.interviewId(), event.status(),
                event.receivedAt(), event.sourceAddress(), this.admin.payload(eventId).orElseThrow());
        return new Delivery(delivery(eventId, sink).delivery().id(), sink, attempt, taken, 0);
    }

    private boolean written(DeliveryResult result) throws Exception {
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        this.queue.complete(result, written::complete);
        return written.get(30, TimeUnit.SECONDS);
    }

    /** A delivery left by a sink that is no longer configured. */
    private long insertDelivery(String sink, String eventId, String state, Instant receivedAt) {
        this.jdbc.sql("""
                INSERT INTO webhook_delivery (event_id, sink, interview_id, received_at, state, attempts, next_attempt_at,
                    updated_at)
                SELECT id, :sink, interview_id, :receivedAt, :state, 0, :receivedAt, :receivedAt FROM webhook_event
                WHERE id = :eventId
                """)
            .param("sink", sink)
            .param("state", state)
            .param("receivedAt", receivedAt.toEpochMilli())
            .param("eventId", eventId)
            .update();
        return this.jdbc.sql("SELECT MAX(id) FROM webhook_delivery WHERE sink = :sink")
            .param("sink", sink)
            .query(Long.class)
            .single();
    }
}
