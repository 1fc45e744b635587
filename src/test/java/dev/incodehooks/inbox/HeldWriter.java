package dev.incodehooks.inbox;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import org.springframework.context.ApplicationContext;

import dev.incodehooks.Eventually;
import dev.incodehooks.StalledStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stalled store with the inbox writer caught inside it: a heartbeat takes the writer into the lock, so
 * every write after it waits in the queue (as many as the queue takes) and none is in the writer's hands,
 * whatever the timing, for as long as the store waits for a lock (PostgreSQL: until closed; SQLite: its
 * busy timeout, 30 s in the tests' configuration). Closing lets the writer go on.
 */
public final class HeldWriter implements AutoCloseable {

    private final StalledStore store;

    private final InboxWriter writer;

    private HeldWriter(StalledStore store, InboxWriter writer) {
        this.store = store;
        this.writer = writer;
    }

    public static HeldWriter hold(ApplicationContext context) throws SQLException, InterruptedException {
        InboxWriter writer = context.getBean(InboxWriter.class);
        StalledStore store = StalledStore.hold(context.getBean(DataSource.class));
        try {
            assertThat(writer.offer(new InboxWriter.Heartbeat(new CompletableFuture<>()))).isTrue();
            Eventually.until("the writer held in the lock", () -> writer.queued() == 0);
            return new HeldWriter(store, writer);
        }
        catch (RuntimeException | Error | InterruptedException ex) {
            store.close();
            throw ex;
        }
    }

    /** Writes waiting for the writer. */
    public int queued() {
        return this.writer.queued();
    }

    @Override
    public void close() throws SQLException {
        this.store.close();
    }
}
