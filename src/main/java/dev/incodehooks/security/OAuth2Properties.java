package dev.incodehooks.security;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Incode's OAuth2 option ({@code webhooks.security.oauth2.*}): webhooks carry
 * {@code Authorization: Bearer <token>}, obtained with the client-credentials grant. Checked completely at
 * start-up: a missing or weak setting stops the service with a message naming the key.
 *
 * @param mode {@code none} (default), {@code built-in} (this service is the token URL) or {@code external}
 * (tokens come from the company's authorization server)
 * @param clientId built-in: the client id entered in Incode's dashboard
 * @param clientSecrets built-in: the accepted client secrets, several during a rotation
 * @param signingKeys built-in: base64 HMAC keys of at least 256 bits, the same on every replica; the first
 * signs, all verify (rotation)
 * @param tokenLifetime built-in: how long a token is valid
 * @param issuer the token issuer ({@code iss}); built-in default {@code incode-webhook-receiver}, required
 * for external
 * @param audiences accepted audiences ({@code aud}); built-in tokens carry the first; default
 * {@code incode-webhook-receiver} for built-in, required for external
 * @param jwkSetUri external: where the authorization server publishes its keys
 * @param clockSkew tolerated difference between clocks for expiry and not-before
 */
@ConfigurationProperties("webhooks.security.oauth2")
public record OAuth2Properties(@DefaultValue("none") Mode mode, @Nullable String clientId,
        @DefaultValue List<String> clientSecrets, @DefaultValue List<String> signingKeys,
        @DefaultValue("1h") Duration tokenLifetime, @Nullable String issuer, @DefaultValue List<String> audiences,
        @Nullable URI jwkSetUri, @DefaultValue("60s") Duration clockSkew) {

    /** Issuer and audience of built-in tokens unless configured. */
    static final String DEFAULT_NAME = "incode-webhook-receiver";

    private static final String PREFIX = "webhooks.security.oauth2.";

    private static final int MIN_SECRET_LENGTH = 16;

    private static final int MIN_KEY_BYTES = 32;

    public enum Mode {

        NONE, BUILT_IN, EXTERNAL

    }

    public OAuth2Properties {
        clientSecrets = List.copyOf(clientSecrets);
        signingKeys = List.copyOf(signingKeys);
        audiences = List.copyOf(audiences);
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException(PREFIX + "clock-skew must be between 0 and 5m");
        }
        if (mode == Mode.BUILT_IN) {
            checkBuiltIn(clientId, clientSecrets, signingKeys, tokenLifetime);
            issuer = (issuer != null) ? issuer : DEFAULT_NAME;
            audiences = audiences.isEmpty() ? List.of(DEFAULT_NAME) : audiences;
        }
        if (mode == Mode.EXTERNAL) {
            if (issuer == null || issuer.isBlank()) {
                throw new IllegalArgumentException(PREFIX + "issuer is required in external mode: the `iss` of "
                        + "your authorization server's tokens");
            }
            if (audiences.isEmpty()) {
                throw new IllegalArgumentException(PREFIX + "audiences is required in external mode: a token "
                        + "issued for another API must not be accepted here");
            }
            if (jwkSetUri == null) {
                throw new IllegalArgumentException(PREFIX + "jwk-set-uri is required in external mode");
            }
        }
    }

    /** The decoded signing keys, the signing one first. */
    List<byte[]> signingKeyBytes() {
        return this.signingKeys.stream().map((key) -> Base64.getDecoder().decode(key.trim())).toList();
    }

    /** Names the settings but never prints secrets or keys. */
    @Override
    public String toString() {
        return "OAuth2Properties[mode=" + this.mode + ", clientId=" + this.clientId + ", clientSecrets="
                + this.clientSecrets.size() + ", signingKeys=" + this.signingKeys.size() + ", tokenLifetime="
                + this.tokenLifetime + ", issuer=" + this.issuer + ", audiences=" + this.audiences + ", jwkSetUri="
                + this.jwkSetUri + ", clockSkew=" + this.clockSkew + "]";
    }

    private static void checkBuiltIn(@Nullable String clientId, List<String> clientSecrets, List<String> signingKeys,
            Duration tokenLifetime) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "client-id is required in built-in mode");
        }
        if (clientSecrets.isEmpty() || clientSecrets.stream().anyMatch((secret) -> secret.length() < MIN_SECRET_LENGTH)) {
            throw new IllegalArgumentException(PREFIX + "client-secrets: at least one, each at least "
                    + MIN_SECRET_LENGTH + " characters (is the environment variable behind it set?)");
        }
        if (signingKeys.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "signing-keys is required in built-in mode, the same on "
                    + "every replica (generate one with: openssl rand -base64 32)");
        }
        for (int i = 0; i < signingKeys.size(); i++) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(signingKeys.get(i).trim());
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(PREFIX + "signing-keys[" + i + "] is not base64");
            }
            if (key.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException(PREFIX + "signing-keys[" + i + "] must be at least "
                        + MIN_KEY_BYTES + " bytes (openssl rand -base64 32)");
            }
        }
        if (tokenLifetime.compareTo(Duration.ofMinutes(1)) < 0 || tokenLifetime.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException(PREFIX + "token-lifetime must be between 1m and 24h");
        }
    }
}
