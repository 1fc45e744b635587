package dev.incodehooks.admin;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.incodehooks.IncodeWebhookReceiverApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A user that is not a bcrypt hash with a role stops start-up, naming the key, and never prints the value: a
 * plain password in a configuration file must neither become a working login nor reach the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminUsersMisconfigurationIntegrationTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "plain-password-1 | operator | webhooks.admin.users.alice",
            "{noop}plain-password-2 | operator | webhooks.admin.users.alice",
            "{bcrypt}plain-password-3 | viewer | webhooks.admin.users.alice",
            "{bcrypt}$2a$04$3vHD8wvLEvOo59K2ZsS6.e.tPau5.FDQCcnxOBTPj/hl4ZZTd4nJa | admin | webhooks.admin.users.alice.role" })
    void stopsStartUpNamingTheKey(String password, String role, String key, CapturedOutput output) {
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(IncodeWebhookReceiverApplication.class)
            .run("--server.port=0", "--management.server.port=0", "--webhooks.admin.users.alice.password=" + password,
                    "--webhooks.admin.users.alice.role=" + role)
            .close());
        assertThat(failure).isNotNull();
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString() + output).contains(key);
        assertThat(trace.toString() + output).doesNotContain("plain-password");
    }
}
