package dev.incodehooks.security;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.NestedExceptionUtils;

import dev.incodehooks.IncodeWebhookReceiverApplication;
import dev.incodehooks.TestStore;

import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A misconfiguration stops the whole application at start-up, with a message naming the key.
 */
class MisconfigurationIntegrationTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "webhooks.security.allowed-sources=10.0.0/8|webhooks.security.allowed-sources: '10.0.0/8'",
            "webhooks.security.trusted-proxies=lb.internal|webhooks.security.trusted-proxies: 'lb.internal'",
            "webhooks.security.required-headers[X-Incode-Secret]=|webhooks.security.required-headers.X-Incode-Secret",
            "webhooks.types.Face_Auth.id-field=interviewId|webhooks.types.Face_Auth",
            "webhooks.types.onboarding-status.id-field=interviewId|webhooks.types.onboarding-status",
            "webhooks.types.face-auth.status-field=overallStatus|webhooks.types[face-auth].idField",
            "webhooks.max-body-size=1GB|webhooks.max-body-size" })
    void failsStartUpNamingTheKey(String property, String expectedMessage) {
        assertThatException().isThrownBy(() -> new SpringApplicationBuilder(IncodeWebhookReceiverApplication.class)
            .run("--server.port=0", "--management.server.port=0",
                    "--spring.datasource.url=" + TestStore.newSqliteUrl(), "--" + property)
            .close()).satisfies((ex) -> org.assertj.core.api.Assertions
                .assertThat(NestedExceptionUtils.getMostSpecificCause(ex).getMessage() + " / " + ex.getMessage())
                .contains(expectedMessage));
    }
}
