package dev.incodehooks.admin;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

import dev.incodehooks.inbox.InboxAdmin;
import dev.incodehooks.inbox.InboxAdmin.Criteria;
import dev.incodehooks.inbox.InboxAdmin.EventDetail;
import dev.incodehooks.inbox.InboxAdmin.Page;
import dev.incodehooks.inbox.InboxAdmin.Replay;

/**
 * The console's pages: overview, find, one event's timeline, dead letters. Rendered on the server (templates
 * under {@code templates/console/}); every change is a POST that carries the form's CSRF token, is allowed to
 * operators only (by the management port's access control) and is audited with the user's name.
 */
class ConsolePages {

    static final int PAGE_SIZE = 50;

    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /** Where a form may send the operator back to: an event page or a dead-letter list, never elsewhere. */
    private static final Pattern BACK = Pattern.compile("/(events/[0-9A-Za-z-]{1,64}|dead(\\?sink=[0-9A-Za-z_.-]{1,64})?)");

    private final InboxAdmin admin;

    private final ActivityHistory history;

    private final Clock clock;

    ConsolePages(InboxAdmin admin, ActivityHistory history, Clock clock) {
        this.admin = admin;
        this.history = history;
        this.clock = clock;
    }

    ServerResponse login(ServerRequest request) {
        return ServerResponse.ok().render("console/login", Map.of("failed", request.param("error").isPresent(),
                "loggedOut", request.param("logout").isPresent()));
    }

    ServerResponse overview(ServerRequest request) {
        Instant now = this.clock.instant();
        Map<String, long[]> delivered = this.history.delivered();
        List<Map<String, Object>> sinks = new ArrayList<>();
        for (InboxAdmin.SinkSummary sink : this.admin.sinks()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("sink", sink);
            row.put("oldestPendingAge", (sink.oldestPendingReceivedAt() != null)
                    ? age(Duration.between(sink.oldestPendingReceivedAt(), now)) : "none");
            row.put("delivered", Bars.of(delivered.getOrDefault(sink.sink(), new long[ActivityHistory.MINUTES])));
            sinks.add(row);
        }
        // Every outcome, but of the rejection reasons only those that happened: a dozen empty rows hide the one
        // that matters.
        Map<String, Bars> intake = new LinkedHashMap<>();
        this.history.intake().forEach((outcome, counts) -> {
            Bars bars = Bars.of(counts);
            if (!outcome.startsWith("rejected: ") || bars.total() > 0) {
                intake.put(outcome, bars);
            }
        });
        return page(request, "console/overview", Map.of("sinks", sinks, "intake", intake, "audit", this.admin.audit(20)));
    }

    ServerResponse find(ServerRequest request) {
        Map<String, Object> model = new LinkedHashMap<>();
        Criteria criteria;
        try {
            criteria = new Criteria(text(request, "interviewId"), text(request, "type"), text(request, "status"),
                    time(request, "from"), time(request, "to"));
            Page<InboxAdmin.EventView> page = this.admin.find(criteria, text(request, "cursor"), PAGE_SIZE);
            model.put("events", page.items());
            if (page.next() != null) {
                UriComponentsBuilder next = UriComponentsBuilder.fromPath("/events");
                for (String name : List.of("interviewId", "type", "status", "from", "to")) {
                    request.param(name).ifPresent((value) -> next.queryParam(name, value));
                }
                model.put("next", next.queryParam("cursor", page.next()).build().encode(StandardCharsets.UTF_8).toUriString());
            }
        }
        catch (IllegalArgumentException ex) {
            model.put("error", "Check the search: " + ex.getMessage());
            model.put("events", List.of());
            return page(request, HttpStatus.BAD_REQUEST, "console/events", model, request.params().toSingleValueMap());
        }
        return page(request, HttpStatus.OK, "console/events", model, request.params().toSingleValueMap());
    }

    ServerResponse event(ServerRequest request) {
        return eventPage(request, request.pathVariable("id"), null);
    }

    /** Shows the stored body: personal data, so an operator's action, audited like a change. */
    ServerResponse reveal(ServerRequest request) {
        String eventId = request.pathVariable("id");
        Optional<byte[]> payload = this.admin.payload(eventId);
        if (payload.isEmpty()) {
            return notFound(request);
        }
        this.admin.audit(actor(request), "reveal-payload", "event " + eventId, 1);
        return eventPage(request, eventId, new String(payload.get(), StandardCharsets.UTF_8));
    }

    ServerResponse replay(ServerRequest request) {
        Long deliveryId = deliveryId(request);
        if (deliveryId == null) {
            return badRequest(request, "A delivery id is a number.");
        }
        Replay replay = this.admin.replayDelivery(deliveryId, actor(request));
        return back(request, "replayed", replay.replayed());
    }

    ServerResponse skip(ServerRequest request) {
        Long deliveryId = deliveryId(request);
        if (deliveryId == null) {
            return badRequest(request, "A delivery id is a number.");
        }
        return back(request, "skipped", this.admin.skip(deliveryId, actor(request)));
    }

    /** Where the access control sends a request the user's role does not allow (a viewer's change, say). */
    ServerResponse denied(ServerRequest request) {
        return page(request, HttpStatus.FORBIDDEN, "console/problem", Map.of("title", "Not allowed",
                "message", "Your role does not allow this, or the form was too old: reload the page and try again."),
                Map.of());
    }

    ServerResponse deadLetters(ServerRequest request) {
        List<InboxAdmin.SinkSummary> sinks = this.admin.sinks();
        String sink = text(request, "sink");
        if (sink == null) {
            sink = sinks.stream().filter((one) -> one.dead() > 0).findFirst().or(() -> sinks.stream().findFirst())
                .map(InboxAdmin.SinkSummary::sink)
                .orElse(null);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("sinks", sinks);
        if (sink != null) {
            String selected = sink;
            model.put("sink", sinks.stream().filter((one) -> one.sink().equals(selected)).findFirst().orElse(null));
            Page<InboxAdmin.DeliveryView> page;
            try {
                page = this.admin.dead(sink, text(request, "cursor"), PAGE_SIZE);
            }
            catch (IllegalArgumentException ex) {
                return page(request, HttpStatus.BAD_REQUEST, "console/dead", Map.of("sinks", sinks,
                        "error", "Check the page link: " + ex.getMessage()), Map.of());
            }
            model.put("deliveries", page.items());
            model.put("deadCount", this.admin.deadCount(sink));
            if (page.next() != null) {
                model.put("next", UriComponentsBuilder.fromPath("/dead")
                    .queryParam("sink", sink)
                    .queryParam("cursor", page.next())
                    .build()
                    .encode(StandardCharsets.UTF_8)
                    .toUriString());
            }
        }
        request.param("done").ifPresent((done) -> model.put("notice", notice(request)));
        return page(request, HttpStatus.OK, "console/dead", model, Map.of());
    }

    /** Asks before a replay of every dead delivery of a sink, saying how many. */
    ServerResponse confirmReplayAll(ServerRequest request) {
        String sink = text(request, "sink");
        if (sink == null) {
            return notFound(request);
        }
        return page(request, "console/confirm", Map.of("sink", sink, "deadCount", this.admin.deadCount(sink)));
    }

    ServerResponse replayAll(ServerRequest request) {
        String sink = text(request, "sink");
        if (sink == null) {
            return notFound(request);
        }
        Replay replay;
        try {
            replay = this.admin.replayDead(sink, actor(request));
        }
        catch (IllegalArgumentException ex) {
            return page(request, HttpStatus.BAD_REQUEST, "console/confirm", Map.of("sink", sink,
                    "deadCount", this.admin.deadCount(sink), "error", ex.getMessage()), Map.of());
        }
        return ServerResponse.seeOther(UriComponentsBuilder.fromPath("/dead")
            .queryParam("sink", sink)
            .queryParam("done", "replayed")
            .queryParam("n", replay.replayed())
            .build()
            .encode(StandardCharsets.UTF_8)
            .toUri()).build();
    }

    private ServerResponse eventPage(ServerRequest request, String eventId, @Nullable String payload) {
        Optional<EventDetail> detail = this.admin.event(eventId);
        if (detail.isEmpty()) {
            return notFound(request);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("detail", detail.get());
        if (payload != null) {
            model.put("payload", payload);
        }
        request.param("done").ifPresent((done) -> model.put("notice", notice(request)));
        return page(request, "console/event", model);
    }

    /** After a change, back to the page the form was on (a path of this console only), saying what was done. */
    private ServerResponse back(ServerRequest request, String done, int count) {
        String from = request.param("from").filter((path) -> BACK.matcher(path).matches()).orElse("/dead");
        URI target = UriComponentsBuilder.fromUriString(from)
            .replaceQueryParam("done", done)
            .replaceQueryParam("n", count)
            .build()
            .toUri();
        return ServerResponse.seeOther(target).build();
    }

    /** What the last change did, from a fixed set of words: nothing of the link is echoed as text. */
    private static String notice(ServerRequest request) {
        String count = request.param("n").filter((n) -> n.matches("\\d{1,9}")).orElse("0");
        return switch (request.param("done").orElse("")) {
            case "replayed" -> "Replayed: " + count + " " + ("1".equals(count) ? "delivery" : "deliveries")
                    + " due again from the first attempt.";
            case "skipped" -> "Skipped: " + count + " " + ("1".equals(count) ? "delivery" : "deliveries") + ".";
            default -> "Done.";
        };
    }

    private ServerResponse notFound(ServerRequest request) {
        return page(request, HttpStatus.NOT_FOUND, "console/problem", Map.of("title", "Not found",
                "message", "Nothing here: the event may have passed its retention."), Map.of());
    }

    private ServerResponse badRequest(ServerRequest request, String message) {
        return page(request, HttpStatus.BAD_REQUEST, "console/problem", Map.of("title", "Bad request",
                "message", message), Map.of());
    }

    private ServerResponse page(ServerRequest request, String template, Map<String, ?> model) {
        return page(request, HttpStatus.OK, template, model, Map.of());
    }

    private ServerResponse page(ServerRequest request, HttpStatus status, String template, Map<String, ?> model,
            Map<String, String> search) {
        Map<String, Object> all = new LinkedHashMap<>(model);
        all.put("user", request.principal().map(Principal::getName).orElse(""));
        all.put("operator", request.servletRequest().isUserInRole(ManagementSecurityConfiguration.OPERATOR));
        all.put("search", search);
        all.put("path", request.path());
        all.put("fmt", FORMAT);
        return ServerResponse.status(status).render(template, all);
    }

    private static String actor(ServerRequest request) {
        return request.principal().map(Principal::getName).orElseThrow();
    }

    private static @Nullable Long deliveryId(ServerRequest request) {
        try {
            return Long.parseLong(request.pathVariable("id"));
        }
        catch (NumberFormatException ex) {
            return null;
        }
    }

    private static @Nullable String text(ServerRequest request, String name) {
        return request.param(name).map(String::strip).filter((value) -> !value.isEmpty()).orElse(null);
    }

    /** A time from a {@code datetime-local} input, in UTC, or an ISO instant. */
    private static @Nullable Instant time(ServerRequest request, String name) {
        String value = text(request, name);
        if (value == null) {
            return null;
        }
        Instant time;
        try {
            time = value.endsWith("Z") ? Instant.parse(value) : LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        }
        catch (DateTimeException ex) {
            time = null;
        }
        if (time == null || time.isBefore(Instant.EPOCH) || time.isAfter(LATEST)) {
            throw new IllegalArgumentException(name + " is not a time between 1970 and 9999 (2026-12-01T09:30, UTC)");
        }
        return time;
    }

    /** Times and ages as the pages show them: UTC, to the second. */
    static final class Format {

        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

        private static final DateTimeFormatter PRECISE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

        public String time(@Nullable Instant instant) {
            return (instant != null) ? TIME.format(instant) : "";
        }

        /** To the millisecond: attempts a few milliseconds apart. */
        public String precise(@Nullable Instant instant) {
            return (instant != null) ? PRECISE.format(instant) : "";
        }
    }

    private static final Format FORMAT = new Format();

    static String age(Duration age) {
        long seconds = Math.max(0, age.toSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return (seconds / 60) + " min";
        }
        return (seconds / 3600) + " h";
    }

    /**
     * A per-minute series as SVG bars (drawn by the template: no script, no inline style): each bar's x,
     * y and height in a 120 x 24 box, with its count for the tooltip.
     */
    record Bars(List<Bar> bars, long total) {

        static final int WIDTH = 120;

        static final int HEIGHT = 24;

        static Bars of(long[] counts) {
            long max = 0;
            long total = 0;
            for (long count : counts) {
                max = Math.max(max, count);
                total += count;
            }
            List<Bar> bars = new ArrayList<>();
            double step = (double) WIDTH / counts.length;
            for (int i = 0; i < counts.length; i++) {
                double height = (max == 0) ? 0 : Math.max((counts[i] > 0) ? 1 : 0, HEIGHT * counts[i] / (double) max);
                bars.add(new Bar(i * step, HEIGHT - height, step * 0.8, height, counts[i], counts.length - 1 - i));
            }
            return new Bars(bars, total);
        }
    }

    /** One minute's bar; {@code minutesAgo} 0 is the current minute. */
    record Bar(double x, double y, double width, double height, long count, int minutesAgo) {
    }
}
