package dev.incodehooks.intake;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.incodehooks.security.OAuth2Properties;
import dev.incodehooks.security.Rejections;
import dev.incodehooks.security.TokenEndpoint;

/**
 * Counts and times every request on the webhook paths, accepted or rejected, wherever it was rejected:
 * {@code webhooks.intake.requests{type,outcome,reason}} and {@code webhooks.intake.latency{type,outcome}}.
 * Tags stay low-cardinality: an undeclared path is {@code type=unknown}; the built-in OAuth2 token URL is
 * {@code type=oauth-token}.
 */
class IntakeMetricsFilter extends OncePerRequestFilter {

    private static final String OUTCOME = IntakeMetricsFilter.class.getName() + ".outcome";

    private final WebhookTypes types;

    private final MeterProvider<Counter> requests;

    private final MeterProvider<Timer> latency;

    private final Map<Key, Meters> meters = new ConcurrentHashMap<>();

    IntakeMetricsFilter(WebhookTypes types, MeterRegistry registry) {
        this.types = types;
        this.requests = requests(registry);
        this.latency = Timer.builder("webhooks.intake.latency")
            .description("Time to answer a webhook request")
            .withRegistry(registry);
        // At 0 from the start: a series that appears at its first increment hides that increment from
        // Prometheus' increase() and rate().
        for (String type : types.names()) {
            register(this.requests, type, EXPECTED);
        }
        register(this.requests, "unknown", Map.of("rejected", List.of("unknown-type")));
    }

    private static MeterProvider<Counter> requests(MeterRegistry registry) {
        return Counter.builder("webhooks.intake.requests")
            .description("Webhook requests by type, outcome and reason")
            .withRegistry(registry);
    }

    /**
     * Registers at 0 the series of the bearer token's refusals, when tokens are checked, and of the built-in
     * token URL's answers.
     */
    static void registerTokenSeries(MeterRegistry registry, WebhookTypes types, OAuth2Properties.Mode oauth2) {
        MeterProvider<Counter> requests = requests(registry);
        if (oauth2 != OAuth2Properties.Mode.NONE) {
            types.names().forEach((type) -> register(requests, type, BEARER_TOKEN));
        }
        if (oauth2 == OAuth2Properties.Mode.BUILT_IN) {
            register(requests, "oauth-token", TOKEN_URL);
        }
    }

    private static void register(MeterProvider<Counter> requests, String type, Map<String, List<String>> expected) {
        expected.forEach((outcome, reasons) -> reasons
            .forEach((reason) -> requests.withTags("type", type, "outcome", outcome, "reason", reason)));
    }

    /** The bearer token's refusals, in either OAuth2 mode (the reasons {@code security} records). */
    private static final Map<String, List<String>> BEARER_TOKEN = Map.of("rejected",
            List.of("missing-token", "invalid-token", "expired-token", "wrong-issuer", "wrong-audience"),
            "unavailable", List.of("token-check-unavailable"));

    /** The built-in token URL's answers. */
    private static final Map<String, List<String>> TOKEN_URL = Map.of("accepted", List.of("none"), "rejected",
            List.of("missing-client-credentials", "bad-client-credentials", "bad-token-request",
                    "unsupported-grant-type"));

    /** The outcomes and reasons every type can have, whatever the security configuration. */
    private static final Map<String, List<String>> EXPECTED = Map.of("accepted", List.of("none"), "duplicate",
            List.of("none"), "unavailable", List.of("inbox-unavailable"), "rejected",
            List.of("forbidden-source", "unauthorized", "unsupported-media-type", "too-large", "malformed-json",
                    "not-an-object", "duplicate-key", "too-deep", "missing-interview-id", "invalid-status",
                    "method-not-allowed", "unreadable-body"));

    /** Records a finer outcome than the status tells, such as {@code duplicate}. */
    static void outcome(HttpServletRequest request, String outcome) {
        request.setAttribute(OUTCOME, outcome);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        int status = 500;
        try {
            filterChain.doFilter(request, response);
            status = response.getStatus();
        }
        finally {
            String type = type(request);
            String outcome = (request.getAttribute(OUTCOME) instanceof String given) ? given : outcome(status);
            String given = Rejections.reasonOf(request);
            String reason = (given != null) ? given : reason(status);
            this.meters.computeIfAbsent(new Key(type, outcome, reason), this::meters)
                .record(System.nanoTime() - start);
            // Put by the servlet and the inbox for the lines about this webhook; the thread serves others next.
            MDC.remove("eventId");
            MDC.remove("eventType");
            MDC.remove("interviewId");
        }
    }

    /** A request's two meters, looked up once per kind of answer rather than built from tags on every request. */
    private Meters meters(Key key) {
        return new Meters(this.requests.withTags("type", key.type(), "outcome", key.outcome(), "reason", key.reason()),
                this.latency.withTags("type", key.type(), "outcome", key.outcome()));
    }

    private record Key(String type, String outcome, String reason) {
    }

    private record Meters(Counter requests, Timer latency) {

        void record(long nanos) {
            this.requests.increment();
            this.latency.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private String type(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals(TokenEndpoint.PATH)) {
            return "oauth-token";
        }
        if (path.startsWith(WebhookServlet.PATH_PREFIX)) {
            String name = path.substring(WebhookServlet.PATH_PREFIX.length());
            if (this.types.find(name).isPresent()) {
                return name;
            }
        }
        return "unknown";
    }

    private static String outcome(int status) {
        if (status < 300) {
            return "accepted";
        }
        return (status == 503) ? "unavailable" : "rejected";
    }

    private static String reason(int status) {
        return switch (status) {
            case 200, 204 -> "none";
            case 401 -> "unauthorized";
            case 403 -> "forbidden-source";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "too-large";
            case 415 -> "unsupported-media-type";
            case 400 -> "bad-request";
            case 503 -> "unavailable";
            default -> "status-" + (status / 100) + "xx";
        };
    }
}
