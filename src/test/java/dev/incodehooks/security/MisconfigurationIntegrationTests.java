package dev.incodehooks.security;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.NestedExceptionUtils;

import dev.incodehooks.IncodeWebhookReceiverApplication;
import dev.incodehooks.TestStore;

import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A misconfiguration stops the whole application at start-up, with a message naming the key. Several
 * properties of one case are separated by semicolons.
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
            "webhooks.max-body-size=1GB|webhooks.max-body-size",
            "webhooks.inbox.queue-bytes=100KB|webhooks.inbox.queue-bytes (102400B) must be at least webhooks.max-body-size (262144B)",
            "webhooks.security.oauth2.mode=built-in|webhooks.security.oauth2.client-id",
            "webhooks.security.oauth2.mode=built-in;webhooks.security.oauth2.client-id=incode;"
                    + "webhooks.security.oauth2.client-secrets=short|webhooks.security.oauth2.client-secrets",
            "webhooks.security.oauth2.mode=built-in;webhooks.security.oauth2.client-id=incode;"
                    + "webhooks.security.oauth2.client-secrets=a-long-enough-secret|webhooks.security.oauth2.signing-keys",
            "webhooks.security.oauth2.mode=built-in;webhooks.security.oauth2.client-id=incode;"
                    + "webhooks.security.oauth2.client-secrets=a-long-enough-secret;"
                    + "webhooks.security.oauth2.signing-keys=c2hvcnQ=|webhooks.security.oauth2.signing-keys[0]",
            "webhooks.security.oauth2.mode=external|webhooks.security.oauth2.issuer",
            "webhooks.security.oauth2.mode=external;webhooks.security.oauth2.issuer=https://idp.example|"
                    + "webhooks.security.oauth2.audiences",
            "webhooks.security.oauth2.mode=sometimes|prefix=webhooks.security.oauth2" })
    void failsStartUpNamingTheKey(String properties, String expectedMessage) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
                "--spring.datasource.url=" + TestStore.newSqliteUrl()));
        for (String property : properties.split(";")) {
            args.add("--" + property);
        }
        assertThatException().isThrownBy(() -> new SpringApplicationBuilder(IncodeWebhookReceiverApplication.class)
            .run(args.toArray(String[]::new))
            .close()).satisfies((ex) -> org.assertj.core.api.Assertions
                .assertThat(NestedExceptionUtils.getMostSpecificCause(ex).getMessage() + " / " + ex.getMessage())
                .contains(expectedMessage));
    }
}
