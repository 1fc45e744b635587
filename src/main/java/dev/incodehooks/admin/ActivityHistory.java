package dev.incodehooks.admin;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.DisposableBean;

/**
 * The last hour of intake and delivery per minute, for the console's charts, read from the counters that
 * Prometheus scrapes ({@code webhooks.intake.requests}, {@code webhooks.broadcast.deliveries}): their totals are
 * noted at every minute, and a minute's count is the difference. In memory, so per replica and since start.
 */
class ActivityHistory implements DisposableBean {

    static final int MINUTES = 60;

    private static final long MINUTE = 60_000;

    private static final String INTAKE = "intake|";

    private static final String DELIVERED = "delivered|";

    private final MeterRegistry registry;

    private final Clock clock;

    /** Counter totals at the start of each minute (epoch minute), the last hour and one. */
    private final ConcurrentSkipListMap<Long, Map<String, Double>> totalsAtMinute = new ConcurrentSkipListMap<>();

    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor((task) -> {
        Thread thread = new Thread(task, "activity-history");
        thread.setDaemon(true);
        return thread;
    });

    ActivityHistory(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        note();
        this.sampler.scheduleWithFixedDelay(this::note, 1, 1, TimeUnit.SECONDS);
    }

    /** Intake per minute by outcome ({@code accepted}, {@code duplicate}, ...; a rejection as its reason). */
    Map<String, long[]> intake() {
        return perMinute(INTAKE);
    }

    /** Deliveries per minute that reached each sink. */
    Map<String, long[]> delivered() {
        return perMinute(DELIVERED);
    }

    /**
     * Per key, the counts of the last {@value #MINUTES} minutes, oldest first, the current minute (so far)
     * last; a minute before the first note counts 0.
     */
    private Map<String, long[]> perMinute(String name) {
        long now = this.clock.millis() / MINUTE;
        Map<String, Double> current = totals();
        Map<String, long[]> series = new TreeMap<>();
        current.keySet().stream().filter((key) -> key.startsWith(name)).forEach((key) -> {
            long[] counts = new long[MINUTES];
            for (int i = 0; i < MINUTES; i++) {
                long minute = now - MINUTES + 1 + i;
                Map<String, Double> start = this.totalsAtMinute.get(minute);
                Map<String, Double> end = (i == MINUTES - 1) ? current : this.totalsAtMinute.get(minute + 1);
                if (start != null && end != null) {
                    counts[i] = Math.round(end.getOrDefault(key, 0.0) - start.getOrDefault(key, 0.0));
                }
            }
            series.put(key.substring(name.length()), counts);
        });
        return series;
    }

    private void note() {
        long minute = this.clock.millis() / MINUTE;
        this.totalsAtMinute.computeIfAbsent(minute, (any) -> totals());
        this.totalsAtMinute.headMap(minute - MINUTES - 1).clear();
    }

    /** The counters' totals, summed per key: {@code intake|accepted}, {@code delivered|crm}, ... */
    private Map<String, Double> totals() {
        Map<String, Double> totals = new HashMap<>();
        for (Counter counter : this.registry.find("webhooks.intake.requests").counters()) {
            String outcome = counter.getId().getTag("outcome");
            String key = "rejected".equals(outcome) ? "rejected: " + counter.getId().getTag("reason") : outcome;
            totals.merge(INTAKE + key, counter.count(), Double::sum);
        }
        for (Counter counter : this.registry.find("webhooks.broadcast.deliveries").tag("outcome", "delivered").counters()) {
            totals.merge(DELIVERED + counter.getId().getTag("sink"), counter.count(), Double::sum);
        }
        return totals;
    }

    @Override
    public void destroy() {
        this.sampler.shutdownNow();
    }
}
