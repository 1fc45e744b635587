package dev.incodehooks.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.jspecify.annotations.Nullable;

import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.web.client.RestTemplate;

/**
 * The bearer tokens webhooks carry: minted here in {@code built-in} mode (HS256 JWTs signed with the
 * configured keys, so that every replica and every restart accepts them until they expire), validated in
 * both modes. The JOSE work is Spring Security's {@link NimbusJwtEncoder} and {@link NimbusJwtDecoder}; this
 * class only chooses keys, claims and checks.
 */
class WebhookTokens {

    /** How long the external authorization server's key set may take to answer. */
    private static final Duration JWK_SET_TIMEOUT = Duration.ofSeconds(5);

    private final OAuth2Properties properties;

    private final Clock clock;

    private final @Nullable JwtEncoder encoder;

    private final @Nullable String signingKeyId;

    private final JwtDecoder decoder;

    WebhookTokens(OAuth2Properties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        NimbusJwtDecoder decoder;
        if (properties.mode() == OAuth2Properties.Mode.BUILT_IN) {
            List<JWK> keys = new ArrayList<>();
            for (byte[] key : properties.signingKeyBytes()) {
                keys.add(hmacKey(key));
            }
            JWKSet keySet = new JWKSet(keys);
            this.signingKeyId = keys.get(0).getKeyID();
            this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(keys.get(0))));
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableJWKSet<>(keySet)));
            // Claims are checked by the validators below, with the configured skew.
            processor.setJWTClaimsSetVerifier((claims, context) -> {
            });
            decoder = new NimbusJwtDecoder(processor);
        }
        else {
            this.signingKeyId = null;
            this.encoder = null;
            SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
            requests.setConnectTimeout(JWK_SET_TIMEOUT);
            requests.setReadTimeout(JWK_SET_TIMEOUT);
            decoder = NimbusJwtDecoder.withJwkSetUri(Objects.requireNonNull(properties.jwkSetUri()).toString())
                .jwsAlgorithms((algorithms) -> algorithms.addAll(Set.of(SignatureAlgorithm.RS256,
                        SignatureAlgorithm.RS384, SignatureAlgorithm.RS512, SignatureAlgorithm.PS256,
                        SignatureAlgorithm.PS384, SignatureAlgorithm.PS512, SignatureAlgorithm.ES256,
                        SignatureAlgorithm.ES384, SignatureAlgorithm.ES512)))
                .restOperations(new RestTemplate(requests))
                .build();
        }
        decoder.setJwtValidator(validator(properties, clock));
        this.decoder = decoder;
    }

    /** A new token for the client, valid for the configured lifetime (built-in mode only). */
    OAuth2AccessToken issue(String clientId) {
        Instant now = this.clock.instant();
        Instant expiresAt = now.plus(this.properties.tokenLifetime());
        JwtClaimsSet claims = JwtClaimsSet.builder()
            .issuer(Objects.requireNonNull(this.properties.issuer()))
            .subject(clientId)
            .audience(List.of(this.properties.audiences().get(0)))
            .issuedAt(now)
            .expiresAt(expiresAt)
            .id(UUID.randomUUID().toString())
            .build();
        JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).keyId(this.signingKeyId).type("JWT").build();
        Jwt jwt = Objects.requireNonNull(this.encoder, "tokens are minted in built-in mode only")
            .encode(JwtEncoderParameters.from(header, claims));
        return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, jwt.getTokenValue(), now, expiresAt);
    }

    /**
     * Checks a token. Throws {@link InvalidToken} with a reason tag when the caller's token is not good,
     * and {@link JwtException} when it cannot be checked now (the key set is unreachable).
     */
    void validate(String token) {
        try {
            this.decoder.decode(token);
        }
        catch (JwtValidationException ex) {
            String reason = ex.getErrors()
                .stream()
                .map(OAuth2Error::getDescription)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse("invalid-token");
            throw new InvalidToken(reason);
        }
        catch (BadJwtException ex) {
            throw new InvalidToken("invalid-token");
        }
    }

    /** A token the caller sent that is not accepted; the reason is a fixed tag, never token content. */
    static final class InvalidToken extends RuntimeException {

        private final String reason;

        InvalidToken(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }

        String reason() {
            return this.reason;
        }
    }

    private static JWK hmacKey(byte[] key) {
        try {
            return new OctetSequenceKey.Builder(key).algorithm(JWSAlgorithm.HS256).keyIDFromThumbprint().build();
        }
        catch (JOSEException ex) {
            throw new IllegalStateException("Could not compute the key id of a signing key", ex);
        }
    }

    /** Each check fails with its reason tag as the error description. */
    private static OAuth2TokenValidator<Jwt> validator(OAuth2Properties properties, Clock clock) {
        JwtTimestampValidator timestamps = new JwtTimestampValidator(properties.clockSkew());
        timestamps.setClock(clock);
        String issuer = Objects.requireNonNull(properties.issuer());
        return new DelegatingOAuth2TokenValidator<>(
                tagged("invalid-token", new JwtClaimValidator<Instant>("exp", Objects::nonNull)),
                tagged("expired-token", timestamps), tagged("wrong-issuer", new JwtIssuerValidator(issuer)),
                tagged("wrong-audience", new JwtClaimValidator<List<String>>("aud",
                        (audiences) -> audiences != null && audiences.stream().anyMatch(properties.audiences()::contains))));
    }

    private static OAuth2TokenValidator<Jwt> tagged(String reason, OAuth2TokenValidator<Jwt> validator) {
        return (jwt) -> validator.validate(jwt).hasErrors()
                ? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", reason, null))
                : OAuth2TokenValidatorResult.success();
    }
}
