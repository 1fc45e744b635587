package dev.incodehooks.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Requires {@code Authorization: Bearer <token>} on webhooks when OAuth2 is on, after the source and
 * static-header checks. Rejections are 401 with a problem body and an RFC 6750 challenge; the reason is
 * recorded for the metrics; the token itself is never logged nor echoed.
 */
class BearerTokenFilter extends WebhookCheckFilter {

    private static final Logger logger = LoggerFactory.getLogger(BearerTokenFilter.class);

    private static final String REALM = "Bearer realm=\"incode-webhook-receiver\"";

    /** Only the header: a token in the URL ends up in access logs, one in the body is not Incode's way. */
    private final DefaultBearerTokenResolver resolver = new DefaultBearerTokenResolver();

    private final WebhookTokens tokens;

    BearerTokenFilter(WebhookTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
            throws ServletException, IOException {
        String token;
        try {
            token = this.resolver.resolve(request);
        }
        catch (OAuth2AuthenticationException ex) {
            reject(request, response, "invalid-token", "The bearer token is malformed.");
            return;
        }
        if (token == null) {
            reject(request, response, "missing-token", "A bearer token is required.");
            return;
        }
        try {
            this.tokens.validate(token);
        }
        catch (WebhookTokens.InvalidToken ex) {
            reject(request, response, ex.reason(), "The bearer token is not accepted (" + ex.reason() + ").");
            return;
        }
        catch (JwtException ex) {
            // Not the caller's fault (the key set is unreachable): Incode retries a 503.
            logger.warn("Could not check a bearer token: {}", ex.getClass().getSimpleName());
            Rejections.reason(request, "token-check-unavailable");
            response.setHeader(HttpHeaders.RETRY_AFTER, "30");
            ProblemResponse.write(response, HttpStatus.SERVICE_UNAVAILABLE, "Bearer tokens cannot be checked now.",
                    request.getRequestURI());
            return;
        }
        filterChain.doFilter(request, response);
    }

    private static void reject(HttpServletRequest request, HttpServletResponse response, String reason, String detail)
            throws IOException {
        logger.info("Rejected webhook from {}: bearer token {}", ClientAddress.of(request), reason);
        Rejections.reason(request, reason);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
                reason.equals("missing-token") ? REALM : REALM + ", error=\"invalid_token\"");
        ProblemResponse.write(response, HttpStatus.UNAUTHORIZED, detail, request.getRequestURI());
    }
}
