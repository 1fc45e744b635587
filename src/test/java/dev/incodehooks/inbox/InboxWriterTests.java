package dev.incodehooks.inbox;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the writer names a store failure in its log and in health: the store's words, never the values of the
 * rows it refused.
 */
class InboxWriterTests {

    @Test
    void namesAFailureByItsFirstLineWithoutTheRowItQuotes() {
        SQLException refused = new SQLException("ERROR: null value in column \"tenant\" violates not-null constraint\n"
                + "  Detail: Failing row contains (01a2, onboarding-status, interview-secret, \\x7b22).", "23502");
        assertThat(InboxWriter.describe(refused))
            .isEqualTo("SQLException: ERROR: null value in column \"tenant\" violates not-null constraint");
    }

    @Test
    void namesABatchFailureByItsStateNotByItsStatement() {
        BatchUpdateException batch = new BatchUpdateException(
                "Batch entry 0 INSERT INTO webhook_event VALUES ('interview-secret') was aborted", "23502", new int[0]);
        assertThat(InboxWriter.describe(batch)).isEqualTo("BatchUpdateException: SQLState 23502");
        batch.setNextException(new SQLException("ERROR: refused\n  Detail: Failing row contains (interview-secret)."));
        assertThat(InboxWriter.describe(batch)).isEqualTo("SQLException: ERROR: refused");
    }
}
