package dev.incodehooks.broadcast;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.incodehooks.inbox.DeliveryQueue;

/**
 * Runs one {@link SinkWorker} per configured sink, and wakes a sink's worker whenever a commit gives it
 * new deliveries. Stops before the web server and the inbox writer, so the results of the last attempts
 * are written. At start it reports deliveries left by sinks that are no longer configured.
 */
class Broadcaster implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(Broadcaster.class);

    private final Map<String, SinkWorker> workers;

    private final DeliveryQueue queue;

    private final ScheduledExecutorService alarms;

    private volatile boolean running;

    Broadcaster(List<SinkWorker> workers, DeliveryQueue queue, ScheduledExecutorService alarms) {
        this.workers = workers.stream().collect(Collectors.toUnmodifiableMap(SinkWorker::name, (worker) -> worker));
        this.queue = queue;
        this.alarms = alarms;
        queue.onNewDeliveries((sinks) -> sinks.forEach((sink) -> {
            SinkWorker worker = this.workers.get(sink);
            if (worker != null) {
                worker.wake();
            }
        }));
    }

    /** One thread that cuts attempts short at their sink's timeout, for every sink. */
    static ScheduledExecutorService alarms() {
        return Executors.newSingleThreadScheduledExecutor((task) -> {
            Thread thread = new Thread(task, "sink-alarms");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void start() {
        try {
            this.queue.backlog().forEach((sink, backlog) -> {
                if (!this.workers.containsKey(sink)) {
                    logger.warn("Sink {} is no longer configured but has {} pending and {} dead deliveries: configure it "
                            + "again, or drop them (POST /actuator/webhooks/drop {{\"sink\":\"{}\"}})", sink,
                            backlog.pending(), backlog.dead(), sink);
                }
            });
        }
        catch (RuntimeException ex) {
            logger.warn("Could not look for deliveries of unconfigured sinks: {}", ex.toString());
        }
        this.workers.values().forEach(SinkWorker::start);
        this.running = true;
    }

    @Override
    public void stop() {
        this.running = false;
        this.workers.values().forEach(SinkWorker::stopTaking);
        try {
            for (SinkWorker worker : this.workers.values()) {
                worker.awaitStopped();
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        finally {
            this.alarms.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }
}
