package dev.incodehooks.broadcast;

import java.util.List;
import java.util.Map;

import org.springframework.context.SmartLifecycle;

import dev.incodehooks.inbox.JdbcInbox;

/**
 * Runs one {@link SinkWorker} per configured sink, and wakes a sink's worker whenever a commit gives
 * it new deliveries.
 */
class Broadcaster implements SmartLifecycle {

    private final Map<String, SinkWorker> workers;

    private volatile boolean running;

    Broadcaster(List<SinkWorker> workers, JdbcInbox inbox) {
        this.workers = workers.stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(SinkWorker::name, (worker) -> worker));
        inbox.onNewDeliveries((sinks) -> sinks.forEach((sink) -> {
            SinkWorker worker = this.workers.get(sink);
            if (worker != null) {
                worker.wake();
            }
        }));
    }

    @Override
    public void start() {
        this.workers.values().forEach(SinkWorker::start);
        this.running = true;
    }

    @Override
    public void stop() {
        this.running = false;
        for (SinkWorker worker : this.workers.values()) {
            try {
                worker.stop();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }
}
