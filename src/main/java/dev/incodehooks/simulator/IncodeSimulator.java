package dev.incodehooks.simulator;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A faithful Incode: sends notifications to a receiver at a steady rate and treats the answers as Incode
 * does. Success is only {@code 200} with {@code application/json} or {@code 204}; any other answer, no
 * answer within the timeout or a refused connection is retried 5 times, 30 s after the failed try and 2.5
 * times longer each time (32.2 minutes in all, {@link #RETRY_DELAYS}), then given up. A time scale divides
 * those delays, so that a test sees the whole schedule in seconds; the timeout and the rate are not scaled.
 *
 * <pre>{@code
 * IncodeSimulator incode = IncodeSimulator.to(URI.create("https://hooks.staging.example.com"))
 *     .header("X-Incode-Secret", secret)
 *     .scenario(Scenario.ONBOARDING, 100)
 *     .rate(20)
 *     .timeScale(60)
 *     .build();
 * SimulationSummary summary = incode.run();
 * assertThat(summary.givenUp()).isZero();
 * }</pre>
 *
 * Each instance runs once; it keeps every try ({@link #tries()}) for a test to compare with what the
 * receiver stored and delivered.
 */
public final class IncodeSimulator {

    /** Incode's documented retry schedule: the wait before each of the 5 retries. */
    public static final List<Duration> RETRY_DELAYS = List.of(Duration.ofSeconds(30), Duration.ofSeconds(75),
            Duration.ofMillis(187_500), Duration.ofMillis(468_750), Duration.ofMillis(1_171_875));

    /** Where each webhook goes under the receiver's URL: {@code {type}} is the webhook's type. */
    public static final String DEFAULT_PATH = "/webhooks/incode/{type}";

    // The token response's two fields, read without a JSON library: the simulator needs nothing but the JDK.
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final Pattern EXPIRES_IN = Pattern.compile("\"expires_in\"\\s*:\\s*\"?([0-9]{1,9})");

    private final URI url;

    private final String path;

    private final Map<String, String> headers;

    private final List<Notification> notifications;

    private final double rate;

    private final double timeScale;

    private final Duration timeout;

    private final @Nullable OAuth2 oauth2;

    private final ConcurrentLinkedQueue<Try> tries = new ConcurrentLinkedQueue<>();

    private @Nullable String token;

    private long tokenExpiresAt;

    /** The token request under way, shared by every try that needs a token meanwhile. */
    private @Nullable CompletableFuture<String> tokenRequest;

    private boolean ran;

    private IncodeSimulator(Builder builder) {
        this.url = builder.url;
        this.path = builder.path;
        this.headers = Map.copyOf(builder.headers);
        this.notifications = List.copyOf(builder.notifications);
        this.rate = builder.rate;
        this.timeScale = builder.timeScale;
        this.timeout = builder.timeout;
        this.oauth2 = builder.oauth2;
    }

    /** A simulator sending to the receiver at that base URL ({@code https://host}, no path). */
    public static Builder to(URI url) {
        return new Builder(url);
    }

    /** What it sends, in the order of the first tries. */
    public List<Notification> notifications() {
        return this.notifications;
    }

    /** Every try so far, in the order they ended. */
    public List<Try> tries() {
        return List.copyOf(this.tries);
    }

    /** Where the webhooks go, {@code {type}} standing for each one's type. */
    public String webhookUrl() {
        return this.url.toString().replaceAll("/+$", "") + this.path;
    }

    /** The URL a notification of that type is sent to. */
    URI target(String type) {
        return URI.create(webhookUrl().replace("{type}", type));
    }

    /**
     * Sends everything, retries as Incode does, and returns when every notification succeeded or was given up.
     * It blocks the calling thread for the whole run: call it from a thread of your own (a test's), never from a
     * task of the common fork-join pool, where the JDK's HTTP client completes some of its work (on Java 25, a
     * run blocking the pool's only thread on two cores stalled every request until its timeout).
     */
    public SimulationSummary run() throws InterruptedException {
        return run((progress) -> {
        }, Duration.ofSeconds(1));
    }

    /**
     * As {@link #run()}, telling the listener how far it is every period (and once at the end).
     */
    public SimulationSummary run(Consumer<Progress> listener, Duration every) throws InterruptedException {
        if (every.toMillis() < 10) {
            throw new IllegalArgumentException("Progress at most every 10 ms, not " + every);
        }
        synchronized (this) {
            if (this.ran) {
                throw new IllegalStateException("A simulator runs once: build another for another run");
            }
            this.ran = true;
        }
        Run run = new Run();
        try {
            for (int i = 0; i < this.notifications.size(); i++) {
                Attempts attempts = new Attempts(this.notifications.get(i));
                run.scheduler.schedule(() -> run.send(attempts), (long) (i * 1_000_000_000L / this.rate),
                        TimeUnit.NANOSECONDS);
            }
            while (!run.done.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                listener.accept(run.progress());
            }
            listener.accept(run.progress());
            return run.summary();
        }
        finally {
            run.scheduler.shutdownNow();
            run.executor.shutdownNow();
        }
    }

    /** How a try ended, as Incode counts it: the answer and whether it is a success. */
    static Answer answer(@Nullable HttpResponse<?> response, @Nullable Throwable error) {
        if (response == null) {
            Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
                    : error;
            if (cause instanceof TokenException) {
                return new Answer(Objects.requireNonNull(cause.getMessage()), false);
            }
            if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
                return new Answer("timeout", false);
            }
            if (cause instanceof ConnectException) {
                return new Answer("refused", false);
            }
            return new Answer((cause instanceof IOException) ? "connection closed"
                    : Objects.requireNonNull(cause).getClass().getSimpleName(), false);
        }
        int status = response.statusCode();
        if (status == 204) {
            return new Answer("204", true);
        }
        if (status == 200) {
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            // As the receiver wrote it, within what a media type holds: it goes into the summary as it is.
            String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9!#$&^_.+/-]", "?");
            mediaType = mediaType.substring(0, Math.min(mediaType.length(), 80));
            return mediaType.equals("application/json") ? new Answer("200", true)
                    : new Answer("200 " + (mediaType.isEmpty() ? "without Content-Type" : mediaType), false);
        }
        return new Answer(String.valueOf(status), false);
    }

    /**
     * A valid token: the cached one, or the request under way, or a new request. Never blocks: the network I/O
     * runs outside the lock, and the whole answer must come within the timeout.
     */
    private synchronized CompletableFuture<String> token(HttpClient client) {
        if (this.token != null && System.nanoTime() - this.tokenExpiresAt < 0) {
            return CompletableFuture.completedFuture(this.token);
        }
        if (this.tokenRequest != null) {
            return this.tokenRequest;
        }
        OAuth2 credentials = Objects.requireNonNull(this.oauth2);
        String basic = Base64.getEncoder()
            .encodeToString((credentials.clientId() + ":" + credentials.clientSecret()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(credentials.tokenUrl())
            .timeout(this.timeout)
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
            .build();
        CompletableFuture<String> tokenRequest = client.sendAsync(request, BodyHandlers.ofString())
            .orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
            .handle((response, error) -> tokenFrom(response, error));
        this.tokenRequest = tokenRequest;
        tokenRequest.whenComplete((token, error) -> {
            synchronized (this) {
                this.tokenRequest = null;
            }
        });
        return tokenRequest;
    }

    private String tokenFrom(@Nullable HttpResponse<String> response, @Nullable Throwable error) {
        if (response == null) {
            throw new CompletionException(new TokenException("token " + answer(null, error).text()));
        }
        if (response.statusCode() != 200) {
            throw new CompletionException(new TokenException("token " + response.statusCode()));
        }
        Matcher accessToken = ACCESS_TOKEN.matcher(response.body());
        if (!accessToken.find() || accessToken.group(1).isEmpty()) {
            throw new CompletionException(new TokenException("token without access_token"));
        }
        Matcher expires = EXPIRES_IN.matcher(response.body());
        long expiresIn = expires.find() ? Long.parseLong(expires.group(1)) : 300;
        String token = accessToken.group(1).replaceAll("\\\\(.)", "$1");
        synchronized (this) {
            // Renewed a little before it expires, so that no webhook goes out with a token about to lapse.
            this.tokenExpiresAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(expiresIn) * 9 / 10;
            this.token = token;
        }
        return token;
    }

    /** One run: its threads, and how far each notification got. */
    private final class Run {

        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
            Thread thread = new Thread(task, "incode-simulator");
            thread.setDaemon(true);
            return thread;
        });

        private final ExecutorService executor = Executors.newCachedThreadPool((task) -> {
            Thread thread = new Thread(task, "incode-simulator-http");
            thread.setDaemon(true);
            return thread;
        });

        private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(IncodeSimulator.this.timeout)
            .executor(this.executor)
            .build();

        private final CountDownLatch done = new CountDownLatch(IncodeSimulator.this.notifications.size());

        private final List<Attempts> finished = new ArrayList<>();

        private final AtomicInteger started = new AtomicInteger();

        private final AtomicInteger succeeded = new AtomicInteger();

        private final AtomicInteger waiting = new AtomicInteger();

        private final AtomicInteger givenUp = new AtomicInteger();

        private final long start = System.nanoTime();

        void send(Attempts attempts) {
            if (attempts.tries++ == 0) {
                this.started.incrementAndGet();
            }
            Instant startedAt = Instant.now();
            this.executor.execute(() -> {
                try {
                    sendNow(attempts, startedAt);
                }
                catch (RuntimeException ex) {
                    ended(attempts, startedAt, new Answer(ex.getClass().getSimpleName(), false));
                }
            });
        }

        private void sendNow(Attempts attempts, Instant startedAt) {
            Notification notification = attempts.notification;
            HttpRequest.Builder request = HttpRequest.newBuilder(target(notification.type()))
                .timeout(IncodeSimulator.this.timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "incode-webhook-simulator")
                .POST(HttpRequest.BodyPublishers.ofString(notification.body()));
            IncodeSimulator.this.headers.forEach(request::header);
            CompletableFuture<HttpRequest> ready = (IncodeSimulator.this.oauth2 != null)
                    ? token(this.client).thenApply((token) -> request.header("Authorization", "Bearer " + token).build())
                    : CompletableFuture.completedFuture(request.build());
            // The request's timeout ends at the answer's headers; the whole answer, body included, must come in time.
            ready.thenCompose((built) -> this.client.sendAsync(built, BodyHandlers.discarding())
                .orTimeout(IncodeSimulator.this.timeout.toMillis(), TimeUnit.MILLISECONDS))
                .whenComplete((response, error) -> ended(attempts, startedAt, answer(response, error)));
        }

        private void ended(Attempts attempts, Instant startedAt, Answer answer) {
            IncodeSimulator.this.tries
                .add(new Try(attempts.notification, attempts.tries, startedAt, Instant.now(), answer.text(), answer.success()));
            if (answer.success()) {
                attempts.succeeded = true;
                this.succeeded.incrementAndGet();
                finish(attempts);
            }
            else if (attempts.tries <= RETRY_DELAYS.size()) {
                this.waiting.incrementAndGet();
                long delay = (long) (RETRY_DELAYS.get(attempts.tries - 1).toNanos() / IncodeSimulator.this.timeScale);
                this.scheduler.schedule(() -> {
                    this.waiting.decrementAndGet();
                    send(attempts);
                }, delay, TimeUnit.NANOSECONDS);
            }
            else {
                this.givenUp.incrementAndGet();
                finish(attempts);
            }
        }

        private void finish(Attempts attempts) {
            synchronized (this.finished) {
                this.finished.add(attempts);
            }
            this.done.countDown();
        }

        Progress progress() {
            return new Progress(IncodeSimulator.this.notifications.size(), this.started.get(), this.succeeded.get(),
                    this.waiting.get(), this.givenUp.get());
        }

        SimulationSummary summary() {
            int firstTime = 0;
            int retried = 0;
            int afterRetries = 0;
            int givenUp = 0;
            synchronized (this.finished) {
                for (Attempts attempts : this.finished) {
                    firstTime += (attempts.succeeded && attempts.tries == 1) ? 1 : 0;
                    retried += (attempts.tries > 1) ? 1 : 0;
                    afterRetries += (attempts.succeeded && attempts.tries > 1) ? 1 : 0;
                    givenUp += attempts.succeeded ? 0 : 1;
                }
            }
            Map<String, Integer> answers = new TreeMap<>();
            IncodeSimulator.this.tries.forEach((t) -> answers.merge(t.answer(), 1, Integer::sum));
            return new SimulationSummary(IncodeSimulator.this.notifications.size(), firstTime, retried, afterRetries,
                    givenUp, IncodeSimulator.this.tries.size(), answers, Duration.ofNanos(System.nanoTime() - this.start));
        }
    }

    private static final class Attempts {

        private final Notification notification;

        private volatile int tries;

        private volatile boolean succeeded;

        Attempts(Notification notification) {
            this.notification = notification;
        }
    }

    private static final class TokenException extends IOException {

        TokenException(String message) {
            super(message);
        }
    }

    /** How a try ended: {@code 200}, {@code 204}, {@code 503}, {@code 200 text/html}, {@code timeout}, {@code refused}, ... */
    record Answer(String text, boolean success) {
    }

    /**
     * One try of one notification.
     * @param attempt 1 for the first try, 2 to 6 for the retries
     * @param answer how it ended, as in the summary's answers
     * @param success whether Incode would count it a success
     */
    public record Try(Notification notification, int attempt, Instant started, Instant finished, String answer,
            boolean success) {
    }

    /**
     * How far a run is.
     * @param total notifications to send
     * @param started sent at least once
     * @param succeeded succeeded (first time or after retries)
     * @param waiting waiting for their next retry
     * @param givenUp given up after the last retry
     */
    public record Progress(int total, int started, int succeeded, int waiting, int givenUp) {
    }

    /**
     * OAuth2 client credentials, as Incode uses them: a token from the token URL (HTTP Basic with the client's id
     * and secret), sent as a bearer token on every webhook.
     */
    public record OAuth2(URI tokenUrl, String clientId, String clientSecret) {

        @Override
        public String toString() {
            return "OAuth2[tokenUrl=" + this.tokenUrl + ", clientId=" + this.clientId + ", clientSecret=(hidden)]";
        }
    }

    /** Settings of a simulator; everything but the URL has a default. */
    public static final class Builder {

        private final URI url;

        private String path = DEFAULT_PATH;

        private final Map<String, String> headers = new LinkedHashMap<>();

        private List<Notification> notifications = List.of();

        private @Nullable Scenario scenario;

        private @Nullable String customType;

        private String customBody = "";

        private int interviews;

        private double rate = 10;

        private double timeScale = 1;

        private Duration timeout = Duration.ofSeconds(10);

        private @Nullable OAuth2 oauth2;

        private Random random = new Random();

        private Builder(URI url) {
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("The receiver's URL must be http:// or https:// with a host");
            }
            if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
                // Not echoed: a user name and password in the URL are secrets.
                throw new IllegalArgumentException(
                        "The receiver's URL takes no user, password, query or fragment: scheme, host, port and path only");
            }
            this.url = url;
        }

        /** Where under the URL each webhook goes; {@code {type}} is replaced by its type. */
        public Builder path(String path) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("The path must start with /: " + path);
            }
            this.path = path;
            return this;
        }

        /** A static custom header, as configured in Incode's dashboard, sent on every webhook. */
        public Builder header(String name, String value) {
            try {
                HttpRequest.newBuilder().header(name, value);
            }
            catch (IllegalArgumentException ex) {
                // Neither the name nor the value is echoed: a mistyped header may hold its secret in either.
                throw new IllegalArgumentException(
                        "A header cannot be sent: a restricted or invalid name, or an invalid value");
            }
            if (name.equalsIgnoreCase("Content-Type")) {
                throw new IllegalArgumentException("Content-Type is always application/json, as Incode sends it");
            }
            this.headers.put(name, value);
            return this;
        }

        /** Ids drawn from this seed, so that a run can be repeated with the same interviews. */
        public Builder seed(long seed) {
            this.random = new Random(seed);
            return this;
        }

        /** The scenario's notifications for that many interviews. */
        public Builder scenario(Scenario scenario, int interviews) {
            this.scenario = scenario;
            this.customType = null;
            this.interviews = positive(interviews, "interviews");
            return this;
        }

        /** One notification per interview of your own body, its {@value Scenario#INTERVIEW_ID} replaced. */
        public Builder body(String type, String body, int interviews) {
            this.customType = type;
            this.customBody = body;
            this.scenario = null;
            this.interviews = positive(interviews, "interviews");
            return this;
        }

        /** Exactly these notifications. */
        public Builder notifications(List<Notification> notifications) {
            this.notifications = List.copyOf(notifications);
            this.scenario = null;
            this.customType = null;
            return this;
        }

        /** First tries per second (retries come on top, on their schedule). Default 10. */
        public Builder rate(double perSecond) {
            if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("The rate must be a positive number per second, not " + perSecond);
            }
            this.rate = perSecond;
            return this;
        }

        /** Divides the retry delays: 60 makes Incode's 32 minutes 32 seconds. Default 1. */
        public Builder timeScale(double timeScale) {
            if (!(timeScale >= 1) || Double.isInfinite(timeScale)) {
                throw new IllegalArgumentException("The time scale must be 1 or more, not " + timeScale);
            }
            this.timeScale = timeScale;
            return this;
        }

        /** A try with no answer within this is a failure. Default 10 s (Incode does not publish its own). */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("The timeout must be positive, not " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** OAuth2 mode: every webhook carries a bearer token from this token endpoint. */
        public Builder oauth2(URI tokenUrl, String clientId, String clientSecret) {
            this.oauth2 = new OAuth2(tokenUrl, clientId, clientSecret);
            return this;
        }

        public IncodeSimulator build() {
            if (this.scenario != null) {
                this.notifications = this.scenario.notifications(this.interviews, this.random);
            }
            else if (this.customType != null) {
                this.notifications = Scenario.custom(this.customType, this.customBody, this.interviews, this.random);
            }
            if (this.notifications.isEmpty()) {
                throw new IllegalArgumentException("Nothing to send: choose a scenario or a body");
            }
            if (this.oauth2 != null && this.headers.keySet().stream().anyMatch("Authorization"::equalsIgnoreCase)) {
                throw new IllegalArgumentException("In OAuth2 mode the Authorization header carries the token");
            }
            IncodeSimulator simulator = new IncodeSimulator(this);
            for (Notification notification : this.notifications) {
                try {
                    simulator.target(notification.type());
                }
                catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(
                            "The path and the webhook type '" + notification.type() + "' make no valid URL");
                }
            }
            return simulator;
        }

        private static int positive(int value, String what) {
            if (value < 1) {
                throw new IllegalArgumentException("The number of " + what + " must be at least 1, not " + value);
            }
            return value;
        }
    }
}
