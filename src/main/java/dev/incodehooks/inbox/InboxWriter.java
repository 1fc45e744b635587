package dev.incodehooks.inbox;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.incodehooks.event.WebhookEvent;
import dev.incodehooks.inbox.Inbox.Acceptance;

/**
 * The one writer of the hot path (group commit): it takes every write waiting in its queue, up to a
 * batch, and commits them in one transaction, so that one fsync serves many webhooks. Callers wait on
 * their write's future; nobody is answered before the commit that holds their event. Events are written
 * in the order they were queued, which is the order of their ids; only the dedup keys are sorted (for
 * lock order). Started before the web server and stopped after it, so every webhook it answers is written.
 */
final class InboxWriter implements SmartLifecycle {

    /** Before the web server starts and after it has stopped (Boot's web server phases are near the top). */
    static final int PHASE = 0;

    /** Events refused in a row, with none stored between them, that make the store, not the events, the cause. */
    static final int REFUSED_IN_A_ROW = 5;

    private static final Logger logger = LoggerFactory.getLogger(InboxWriter.class);

    /** A write waiting for the writer. */
    sealed interface Write permits Accept, Complete, Heartbeat {
    }

    /**
     * An event to store.
     * @param deadline {@link System#nanoTime()} past which it is no longer written: its caller was answered 503
     */
    record Accept(WebhookEvent event, byte[] bodyHash, List<String> sinks, long deadline,
            CompletableFuture<Acceptance> result) implements Write {

        /** One order of dedup keys for every batch, on every replica: concurrent batches never deadlock. */
        static final Comparator<Accept> KEY_ORDER = Comparator.comparing((Accept accept) -> accept.event().interviewId())
            .thenComparing((accept) -> accept.event().type())
            .thenComparing(Accept::bodyHash, Arrays::compare);
    }

    record Complete(DeliveryResult result, Consumer<Boolean> afterWrite) implements Write {
    }

    record Heartbeat(CompletableFuture<Void> done) implements Write {
    }

    private final DataSource dataSource;

    private final BatchStatements statements;

    private final int maxBatchSize;

    private final BlockingQueue<Write> queue;

    /** Body bytes waiting in the queue: 20,000 bodies of 256 KB would be 5 GB of heap. */
    private final AtomicLong queuedBytes = new AtomicLong();

    private final long maxQueuedBytes;

    private final DistributionSummary batchSizes;

    private final Timer commitLatency;

    private final List<Consumer<Set<String>>> newDeliveryListeners = new CopyOnWriteArrayList<>();

    private final InboxDialect dialect;

    private volatile @Nullable Thread thread;

    private volatile boolean running;

    /** Why the last batch of accepts failed, and when, until a batch of accepts commits again. */
    private volatile @Nullable AcceptFailure acceptFailure;

    /** Events refused one by one since the last accept that committed; written by the writer's thread only. */
    private int refusedInARow;

    InboxWriter(DataSource dataSource, InboxDialect dialect, Clock clock, InboxProperties properties,
            MeterRegistry registry) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.statements = new BatchStatements(clock, properties.dedupWindow());
        this.maxBatchSize = properties.maxBatchSize();
        this.queue = new LinkedBlockingQueue<>(properties.queueCapacity());
        this.maxQueuedBytes = properties.queueBytes().toBytes();
        this.batchSizes = DistributionSummary.builder("webhooks.inbox.commit.batch.size")
            .description("Writes committed together in one transaction")
            .baseUnit("writes")
            .publishPercentileHistogram()
            .register(registry);
        this.commitLatency = Timer.builder("webhooks.inbox.commit.latency")
            .description("Time to write and commit one batch")
            .publishPercentileHistogram()
            .register(registry);
    }

    @Override
    public void start() {
        Thread writer = new Thread(this::run, "inbox-writer");
        writer.setDaemon(true);
        this.running = true;
        this.thread = writer;
        writer.start();
    }

    /** Stops taking writes, writes what is queued, then stops. */
    @Override
    public void stop() {
        this.running = false;
        Thread writer = this.thread;
        if (writer != null) {
            try {
                writer.join(Duration.ofSeconds(10).toMillis());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Queues a write; false when the queue is full (in writes or in body bytes) or the writer is not running. */
    boolean offer(Write write) {
        if (!this.running) {
            return false;
        }
        long bytes = bytes(write);
        if (this.queuedBytes.addAndGet(bytes) > this.maxQueuedBytes && bytes > 0) {
            this.queuedBytes.addAndGet(-bytes);
            return false;
        }
        if (!this.queue.offer(write)) {
            this.queuedBytes.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    private static long bytes(Write write) {
        return (write instanceof Accept accept) ? accept.event().body().length : 0;
    }

    int queued() {
        return this.queue.size();
    }

    /** Why webhooks could not be stored, and when, or null when the last attempt to store some worked. */
    @Nullable AcceptFailure acceptFailure() {
        return this.acceptFailure;
    }

    /**
     * The last failure to store webhooks.
     * @param cause what the store said
     * @param at when, in {@link System#nanoTime()}
     */
    record AcceptFailure(String cause, long at) {
    }

    /** Called after each commit with the sinks that got new deliveries. */
    void onNewDeliveries(Consumer<Set<String>> listener) {
        this.newDeliveryListeners.add(listener);
    }

    void notifyNewDeliveries(Set<String> sinks) {
        if (!sinks.isEmpty()) {
            this.newDeliveryListeners.forEach((listener) -> listener.accept(sinks));
        }
    }

    private void run() {
        List<Write> batch = new ArrayList<>(this.maxBatchSize);
        while (this.running || !this.queue.isEmpty()) {
            try {
                Write first = this.queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                this.queue.drainTo(batch, this.maxBatchSize - 1);
                try {
                    write(batch);
                }
                finally {
                    // Counted until written: a batch being written holds its bodies too.
                    this.queuedBytes.addAndGet(-batch.stream().mapToLong(InboxWriter::bytes).sum());
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException | Error ex) {
                // The writer outlives anything one batch does: a dead writer would leave every caller waiting.
                logger.error("Inbox writer failed unexpectedly", ex);
            }
            finally {
                batch.clear();
            }
        }
    }

    private void write(List<Write> queued) {
        List<Write> batch = new ArrayList<>(queued);
        Map<Accept, Acceptance> acceptances = new IdentityHashMap<>();
        Set<String> sinksWithNewDeliveries = new HashSet<>();
        try {
            // An accept whose deadline passes while its batch is written is rolled back with it, and the
            // batch is written again without it: a caller answered 503 never finds its event committed
            // later (it would appear after events received after it, on another replica too). What is
            // left is the commit itself, which the ordering allowance covers.
            do {
                dropExpired(batch);
                acceptances.clear();
                sinksWithNewDeliveries.clear();
            }
            while (!batch.isEmpty() && !commit(batch, acceptances, sinksWithNewDeliveries));
        }
        catch (SQLException | RuntimeException | Error ex) {
            String cause = describe(ex);
            if (rowFault(ex)) {
                if (batch.size() > 1) {
                    // One row's fault (a value the store refuses): each on its own, so only the guilty one fails.
                    logger.warn("Inbox commit of {} writes failed on a value ({}): writing them one by one",
                            batch.size(), cause);
                    batch.forEach((write) -> write(new ArrayList<>(List.of(write))));
                    return;
                }
                if (batch.get(0) instanceof Accept accept) {
                    // Named by its id, type and interview (fields in structured logs), never by its body.
                    WebhookEvent event = accept.event();
                    logger.atWarn()
                        .addKeyValue("eventId", event.id())
                        .addKeyValue("eventType", event.type())
                        .addKeyValue("interviewId", event.interviewId())
                        .log("Inbox refused event {} ({} for interview {}): {}", event.id(), event.type(),
                                event.interviewId(), cause);
                    // One event's values, or every event's (a column the replica does not know, after another
                    // version's migration): refused in a row with none stored between them, it is the store's.
                    if (++this.refusedInARow >= REFUSED_IN_A_ROW) {
                        this.acceptFailure = new AcceptFailure(this.refusedInARow + " events in a row refused: " + cause,
                                System.nanoTime());
                    }
                }
                else {
                    logger.warn("Inbox refused a write: {}", cause);
                }
            }
            else {
                logger.warn("Inbox commit of {} writes failed: {}", batch.size(), cause);
                if (batch.stream().anyMatch(Accept.class::isInstance)) {
                    this.acceptFailure = new AcceptFailure(cause, System.nanoTime());
                }
            }
            batch.forEach((write) -> failed(write, ex));
            return;
        }
        if (batch.isEmpty()) {
            return;
        }
        this.batchSizes.record(batch.size());
        if (!acceptances.isEmpty()) {
            this.acceptFailure = null;
            this.refusedInARow = 0;
        }
        for (Write write : batch) {
            if (write instanceof Accept accept) {
                accept.result().complete(acceptances.get(accept));
            }
            else if (write instanceof Complete complete) {
                complete.afterWrite().accept(true);
            }
            else if (write instanceof Heartbeat beat) {
                beat.done().complete(null);
            }
        }
        notifyNewDeliveries(sinksWithNewDeliveries);
    }

    /** Writes a batch in one transaction; false (rolled back) when an accept's deadline passed meanwhile. */
    private boolean commit(List<Write> batch, Map<Accept, Acceptance> acceptances, Set<String> sinksWithNewDeliveries)
            throws SQLException {
        List<Accept> accepts = ofType(batch, Accept.class);
        long start = System.nanoTime();
        try (Connection connection = this.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                this.dialect.beginBatch(connection);
                this.statements.writeAccepts(connection, accepts, acceptances, sinksWithNewDeliveries);
                this.statements.writeCompletions(connection, ofType(batch, Complete.class));
                if (batch.stream().anyMatch(Heartbeat.class::isInstance)) {
                    this.statements.writeHeartbeat(connection);
                }
                long now = System.nanoTime();
                if (accepts.stream().anyMatch((accept) -> now - accept.deadline() >= 0)) {
                    rollbackQuietly(connection);
                    return false;
                }
                connection.commit();
                this.commitLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                return true;
            }
            catch (SQLException | RuntimeException | Error ex) {
                rollbackQuietly(connection);
                throw ex;
            }
            finally {
                resetQuietly(connection);
            }
        }
    }

    /** Answers the accepts whose deadline has passed (their callers got 503) and takes them out of the batch. */
    private static void dropExpired(List<Write> batch) {
        long now = System.nanoTime();
        batch.removeIf((write) -> {
            if (write instanceof Accept accept && now - accept.deadline() >= 0) {
                accept.result().completeExceptionally(new InboxUnavailableException("Commit deadline passed"));
                return true;
            }
            return false;
        });
    }

    private static <T extends Write> List<T> ofType(List<Write> batch, Class<T> type) {
        List<T> matching = new ArrayList<>();
        for (Write write : batch) {
            if (type.isInstance(write)) {
                matching.add(type.cast(write));
            }
        }
        return matching;
    }

    /**
     * Whether a failure is one row's fault, not the store's: a value it refuses (SQLSTATE class 22, data
     * exception, such as a NUL in PostgreSQL text; 23, integrity; 54, a program limit such as an index row
     * too large), or on SQLite a constraint, a value too big or of the wrong type.
     */
    static boolean rowFault(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            for (SQLException sql = (cause instanceof SQLException ex) ? ex : null; sql != null; sql = sql.getNextException()) {
                String state = String.valueOf(sql.getSQLState());
                if (state.startsWith("22") || state.startsWith("23") || state.startsWith("54")) {
                    return true;
                }
                if (isSqlite(sql) && (sql.getErrorCode() == 18 || sql.getErrorCode() == 19 || sql.getErrorCode() == 20)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isSqlite(SQLException ex) {
        return ex.getClass().getName().startsWith("org.sqlite.");
    }

    /** The real cause, with the driver's own words (SQLITE_FULL, a PostgreSQL message), never a value. */
    static String describe(Throwable failure) {
        Throwable cause = failure;
        if (cause instanceof SQLException sql && sql.getNextException() != null) {
            cause = sql.getNextException();
        }
        if (cause instanceof BatchUpdateException batch) {
            // Its message quotes the statement with the batch's values.
            return "BatchUpdateException: SQLState " + batch.getSQLState();
        }
        // The first line only: PostgreSQL's detail lines quote the refused row ("Failing row contains (...)").
        String message = String.valueOf(cause.getMessage());
        int newline = message.indexOf('\n');
        return cause.getClass().getSimpleName() + ": " + ((newline >= 0) ? message.substring(0, newline) : message);
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        }
        catch (SQLException ex) {
            logger.debug("Rollback failed: {}", ex.toString());
        }
    }

    /** Never hides the failure being reported (SQLite answers "no transaction is active" after a failed commit). */
    private static void resetQuietly(Connection connection) {
        try {
            connection.setAutoCommit(true);
        }
        catch (SQLException ex) {
            logger.debug("Could not reset auto-commit: {}", ex.toString());
        }
    }

    private static void failed(Write write, Throwable ex) {
        if (write instanceof Accept accept) {
            accept.result().completeExceptionally(ex);
        }
        else if (write instanceof Complete complete) {
            complete.afterWrite().accept(false);
        }
        else if (write instanceof Heartbeat heartbeat) {
            heartbeat.done().completeExceptionally(ex);
        }
    }
}
