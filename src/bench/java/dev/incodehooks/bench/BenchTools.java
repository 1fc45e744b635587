package dev.incodehooks.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import dev.incodehooks.event.EventIds;

/**
 * Helpers for src/bench/run.sh, each bounded and on 127.0.0.1 only.
 * <ul>
 * <li>{@code postgres PORT}: a real PostgreSQL (embedded, from Maven artifacts) until killed</li>
 * <li>{@code prefill FILE COUNT}: an SQLite inbox with COUNT delivered events already stored, over 30 days and
 * an hour</li>
 * <li>{@code lag SERVICE_PORT CONSUMER_PORT SECONDS WARMUP RATE...}: warms up at the first rate for WARMUP
 * seconds, then for each rate sends that many webhooks a second for SECONDS to the service and reads the
 * received-to-delivered lag and losses from {@link LagConsumerApplication}, with how busy the machine's
 * cores were</li>
 * </ul>
 */
public final class BenchTools {

    private BenchTools() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "postgres" -> postgres(Integer.parseInt(args[1]));
            case "prefill" -> prefill(Path.of(args[1]), Integer.parseInt(args[2]));
            case "lag" -> {
                int servicePort = Integer.parseInt(args[1]);
                int consumerPort = Integer.parseInt(args[2]);
                int seconds = Integer.parseInt(args[3]);
                List<Integer> rates = Arrays.stream(args, 5, args.length).map(Integer::valueOf).toList();
                // A first run warms the JVMs up; it is not reported.
                lag(servicePort, consumerPort, rates.get(0), Integer.parseInt(args[4]), false);
                for (int rate : rates) {
                    lag(servicePort, consumerPort, rate, seconds, true);
                }
                System.exit(0);
            }
            default -> throw new IllegalArgumentException("Unknown tool " + args[0]);
        }
    }

    private static void postgres(int port) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
            .setPort(port)
            .setServerConfig("max_connections", "200")
            .start()) {
            System.out.println("postgres ready: " + postgres.getJdbcUrl("postgres", "postgres"));
            // Stops when the harness kills it, or after an hour at most.
            Thread.sleep(Duration.ofHours(1).toMillis());
        }
    }

    private static void prefill(Path file, int count) throws Exception {
        String url = "jdbc:sqlite:" + file + "?journal_mode=WAL&synchronous=NORMAL";
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/sqlite").load().migrate();
        long start = System.nanoTime();
        // As a store in steady state holds them: events spread over the 30 days of retention and one hour more
        // (what the next purge removes), each delivered after one attempt; dedup keys only for the last hour
        // (the window: the purge removes older ones).
        long now = System.currentTimeMillis();
        Duration span = Duration.ofDays(30).plusHours(1);
        long first = now - span.toMillis();
        long step = Math.max(1, span.toMillis() / count);
        long dedupFrom = now - Duration.ofHours(1).toMillis();
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.setAutoCommit(false);
            try (PreparedStatement event = connection.prepareStatement(
                    "INSERT INTO webhook_event (id, type, interview_id, status, source_address, received_at, body) "
                            + "VALUES (?, 'onboarding-status', ?, 'ONBOARDING_FINISHED', '18.210.119.234', ?, ?)");
                    PreparedStatement dedup = connection.prepareStatement(
                            "INSERT INTO webhook_dedup (interview_id, type, body_hash, event_id, received_at) "
                                    + "VALUES (?, 'onboarding-status', ?, ?, ?)");
                    PreparedStatement delivery = connection.prepareStatement(
                            "INSERT INTO webhook_delivery (id, event_id, sink, interview_id, received_at, state, attempts, "
                                    + "next_attempt_at, updated_at) VALUES (?, ?, 'app', ?, ?, 'delivered', 1, ?, ?)");
                    PreparedStatement attempt = connection.prepareStatement(
                            "INSERT INTO webhook_attempt (delivery_id, attempt, sink, started_at, finished_at, outcome) "
                                    + "VALUES (?, 1, 'app', ?, ?, 'delivered')")) {
                for (int i = 0; i < count; i++) {
                    long receivedAt = first + i * step;
                    // As the service stamps them: the id's time is the time of receipt.
                    String id = EventIds.first(receivedAt).toString();
                    String interviewId = String.format("prefill%017d", i);
                    byte[] body = ("{\"interviewId\":\"" + interviewId
                            + "\",\"onboardingStatus\":\"ONBOARDING_FINISHED\",\"clientId\":\"acme\"}")
                        .getBytes(StandardCharsets.UTF_8);
                    event.setString(1, id);
                    event.setString(2, interviewId);
                    event.setLong(3, receivedAt);
                    event.setBytes(4, body);
                    event.addBatch();
                    if (receivedAt >= dedupFrom) {
                        byte[] hash = new byte[32];
                        ThreadLocalRandom.current().nextBytes(hash);
                        dedup.setString(1, interviewId);
                        dedup.setBytes(2, hash);
                        dedup.setString(3, id);
                        dedup.setLong(4, receivedAt);
                        dedup.addBatch();
                    }
                    delivery.setLong(1, i + 1L);
                    delivery.setString(2, id);
                    delivery.setString(3, interviewId);
                    delivery.setLong(4, receivedAt);
                    delivery.setLong(5, receivedAt);
                    delivery.setLong(6, receivedAt);
                    delivery.addBatch();
                    attempt.setLong(1, i + 1L);
                    attempt.setLong(2, receivedAt);
                    attempt.setLong(3, receivedAt + 2);
                    attempt.addBatch();
                    if (i % 10_000 == 9_999) {
                        executeAll(event, dedup, delivery, attempt);
                        connection.commit();
                    }
                }
                executeAll(event, dedup, delivery, attempt);
                connection.commit();
            }
        }
        System.out.printf("prefilled %d events in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
    }

    private static void executeAll(PreparedStatement... statements) throws Exception {
        for (PreparedStatement statement : statements) {
            statement.executeBatch();
        }
    }

    private static void lag(int servicePort, int consumerPort, int rate, int seconds, boolean report)
            throws Exception {
        // Apache's blocking client: the JDK's costs milliseconds of CPU per request, which on two cores
        // would measure the load generator rather than the service.
        var connections = org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(64)
            .setMaxConnPerRoute(64)
            .build();
        try (var http = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
            .setConnectionManager(connections)
            .disableAutomaticRetries()
            .build()) {
            String base = "http://127.0.0.1:";
            http.execute(new org.apache.hc.client5.http.classic.methods.HttpPost(base + consumerPort + "/reset"),
                    (response) -> null);
            AtomicLong acknowledged = new AtomicLong();
            java.util.Map<String, Long> failures = new java.util.concurrent.ConcurrentHashMap<>();
            var senders = Executors.newFixedThreadPool(64);
            var scheduler = Executors.newSingleThreadScheduledExecutor();
            long total = (long) rate * seconds;
            AtomicLong sent = new AtomicLong();
            long runId = System.nanoTime() % 100_000;
            long[] cpuBefore = machineCpu();
            var task = scheduler.scheduleAtFixedRate(() -> {
                long n = sent.incrementAndGet();
                if (n > total) {
                    return;
                }
                String interviewId = String.format("lag%05d%012d", runId, n);
                senders.execute(() -> {
                    var post = new org.apache.hc.client5.http.classic.methods.HttpPost(
                            base + servicePort + "/webhooks/incode/onboarding-status");
                    post.setHeader("X-Incode-Secret", "bench-secret");
                    post.setEntity(new org.apache.hc.core5.http.io.entity.StringEntity("{\"interviewId\":\""
                            + interviewId + "\",\"onboardingStatus\":\"ONBOARDING_FINISHED\",\"clientId\":\"acme\","
                            + "\"flowId\":\"64f1c0ffee0123456789ffff\"}",
                            org.apache.hc.core5.http.ContentType.APPLICATION_JSON));
                    try {
                        int status = http.execute(post, (response) -> {
                            org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
                            return response.getCode();
                        });
                        if (status == 200) {
                            acknowledged.incrementAndGet();
                        }
                        else {
                            failures.merge("HTTP " + status, 1L, Long::sum);
                        }
                    }
                    catch (IOException ex) {
                        failures.merge(ex.getClass().getSimpleName(), 1L, Long::sum);
                    }
                });
            }, 0, 1_000_000L / rate, TimeUnit.MICROSECONDS);
            Thread.sleep(seconds * 1000L + 2000);
            task.cancel(false);
            long[] cpuAfter = machineCpu();
            scheduler.shutdown();
            senders.shutdown();
            senders.awaitTermination(30, TimeUnit.SECONDS);
            String result = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                result = http.execute(
                        new org.apache.hc.client5.http.classic.methods.HttpGet(base + consumerPort + "/stats"),
                        (response) -> org.apache.hc.core5.http.io.entity.EntityUtils.toString(response.getEntity()));
                if (number(result, "events") >= acknowledged.get()) {
                    break;
                }
                Thread.sleep(200);
            }
            if (!report) {
                return;
            }
            long failed = failures.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("lag: rate=%d/s for %d s, sent=%d acknowledged=%d failed=%d delivered=%d lost=%d, "
                    + "received->delivered p50=%d ms p99=%d ms max=%d ms, cores busy %.0f%%%n", rate, seconds,
                    Math.min(sent.get(), total), acknowledged.get(), failed, number(result, "events"),
                    acknowledged.get() - number(result, "events"), number(result, "p50"), number(result, "p99"),
                    number(result, "max"), 100.0 * (cpuAfter[0] - cpuBefore[0]) / (cpuAfter[1] - cpuBefore[1]));
            if (!failures.isEmpty()) {
                System.out.println("lag: failures " + failures);
            }
        }
    }

    private static long number(String json, String name) {
        var matcher = java.util.regex.Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** Busy and total jiffies of all cores, from /proc/stat (Linux). */
    private static long[] machineCpu() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < fields.length; i++) {
            total += Long.parseLong(fields[i]);
        }
        long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
        return new long[] { total - idle, total };
    }
}
