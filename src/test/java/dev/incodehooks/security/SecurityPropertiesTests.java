package dev.incodehooks.security;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SecurityPropertiesTests {

    @Test
    void rejectsEmptyAllowlist() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SecurityProperties(List.of(), List.of(), Map.of()))
            .withMessageContaining("webhooks.security.allowed-sources must not be empty");
    }

    @Test
    void rejectsBadTrustedProxy() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new SecurityProperties(List.of("10.0.0.0/8"), List.of("proxy.internal"), Map.of()))
            .withMessageContaining("webhooks.security.trusted-proxies: 'proxy.internal'");
    }

    @Test
    void rejectsEmptySecretNamingTheHeaderOnly() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new SecurityProperties(List.of("10.0.0.0/8"), List.of(),
                    Map.of("X-Incode-Secret", List.of("s3cret-one", " "))))
            .withMessageContaining("webhooks.security.required-headers.X-Incode-Secret")
            .withMessageNotContaining("s3cret-one");
    }

    @Test
    void rejectsHeaderWithoutValues() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new SecurityProperties(List.of("10.0.0.0/8"), List.of(),
                    Map.of("X-Incode-Secret", List.of())))
            .withMessageContaining("webhooks.security.required-headers.X-Incode-Secret");
    }

    @Test
    void rejectsInvalidHeaderName() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new SecurityProperties(List.of("10.0.0.0/8"), List.of(),
                    Map.of("X Secret", List.of("value"))))
            .withMessageContaining("not a valid HTTP header name");
    }

    @Test
    void neverPrintsSecrets() {
        SecurityProperties properties = new SecurityProperties(List.of("10.0.0.0/8"), List.of(),
                Map.of("X-Incode-Secret", List.of("s3cret-one")));
        assertThat(properties.toString()).contains("X-Incode-Secret").doesNotContain("s3cret-one");
    }
}
