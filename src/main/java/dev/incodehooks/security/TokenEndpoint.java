package dev.incodehooks.security;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.DefaultOAuth2AccessTokenResponseMapConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.web.authentication.www.BasicAuthenticationConverter;

/**
 * The token URL Incode calls in {@code built-in} mode (OAuth2 client credentials, RFC 6749 section 4.4):
 * the client authenticates with {@code client_secret_basic}, and gets a bearer token for its webhooks.
 * Errors are problem bodies that also carry the OAuth2 {@code error} code. A plain servlet, registered
 * only in that mode.
 */
public class TokenEndpoint extends HttpServlet {

    /** On the public port, behind the source allowlist like the webhooks. */
    public static final String PATH = "/webhooks/oauth/token";

    private static final Logger logger = LoggerFactory.getLogger(TokenEndpoint.class);

    private static final long serialVersionUID = 1L;

    private final transient BasicAuthenticationConverter basic = new BasicAuthenticationConverter();

    private final transient DefaultOAuth2AccessTokenResponseMapConverter responses = new DefaultOAuth2AccessTokenResponseMapConverter();

    private final String clientId;

    private final transient Secrets clientSecrets;

    private final transient WebhookTokens tokens;

    private final transient JsonMapper json;

    TokenEndpoint(OAuth2Properties properties, WebhookTokens tokens, JsonMapper json) {
        this.clientId = Objects.requireNonNull(properties.clientId());
        this.clientSecrets = new Secrets(properties.clientSecrets());
        this.tokens = tokens;
        this.json = json;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader(HttpHeaders.ALLOW, "POST");
            ProblemResponse.write(response, HttpStatus.METHOD_NOT_ALLOWED, "The token URL takes POST only.",
                    request.getRequestURI());
            return;
        }
        token(request, response);
    }

    private void token(HttpServletRequest request, HttpServletResponse response) throws IOException {
        UsernamePasswordAuthenticationToken credentials;
        try {
            credentials = this.basic.convert(request);
        }
        catch (AuthenticationException ex) {
            credentials = null;
        }
        if (credentials == null || !(credentials.getCredentials() instanceof String secret)) {
            invalidClient(request, response, "missing-client-credentials",
                    "Client credentials are required as HTTP Basic authentication.");
            return;
        }
        if (!accepts(credentials.getName(), secret)) {
            invalidClient(request, response, "bad-client-credentials", "The client credentials are not accepted.");
            return;
        }
        if (!MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(contentType(request))) {
            error(request, response, HttpStatus.BAD_REQUEST, "invalid_request", "bad-token-request",
                    "The token request must be sent as application/x-www-form-urlencoded.");
            return;
        }
        String[] grants = request.getParameterValues(OAuth2ParameterNames.GRANT_TYPE);
        if (grants == null || grants.length != 1) {
            error(request, response, HttpStatus.BAD_REQUEST, "invalid_request", "bad-token-request",
                    "Exactly one grant_type is required.");
            return;
        }
        if (!AuthorizationGrantType.CLIENT_CREDENTIALS.getValue().equals(grants[0])) {
            error(request, response, HttpStatus.BAD_REQUEST, "unsupported_grant_type", "unsupported-grant-type",
                    "Only the client_credentials grant is supported.");
            return;
        }
        OAuth2AccessToken token = this.tokens.issue(this.clientId);
        Duration lifetime = Duration.between(token.getIssuedAt(), token.getExpiresAt());
        OAuth2AccessTokenResponse answer = OAuth2AccessTokenResponse.withToken(token.getTokenValue())
            .tokenType(token.getTokenType())
            .expiresIn(lifetime.toSeconds())
            .build();
        Map<String, Object> body = new LinkedHashMap<>(this.responses.convert(answer));
        // The converter counts from its own "now": say exactly the lifetime the token was given.
        body.put(OAuth2ParameterNames.EXPIRES_IN, lifetime.toSeconds());
        logger.debug("Issued a webhook token to client {}", this.clientId);
        response.setStatus(HttpStatus.OK.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        noStore(response);
        this.json.writeValue(response.getOutputStream(), body);
    }

    /** The id and secret as sent, or form-decoded as RFC 6749 (section 2.3.1) says clients should send them. */
    private boolean accepts(String id, String secret) {
        return (this.clientId.equals(id) && this.clientSecrets.accepts(secret))
                | (this.clientId.equals(formDecoded(id)) && this.clientSecrets.accepts(formDecoded(secret)));
    }

    private static String formDecoded(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException ex) {
            return value;
        }
    }

    private static MediaType contentType(HttpServletRequest request) {
        try {
            return (request.getContentType() != null) ? MediaType.parseMediaType(request.getContentType())
                    : MediaType.ALL;
        }
        catch (IllegalArgumentException ex) {
            return MediaType.ALL;
        }
    }

    private static void invalidClient(HttpServletRequest request, HttpServletResponse response, String reason,
            String detail) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"incode-webhook-receiver\"");
        error(request, response, HttpStatus.UNAUTHORIZED, "invalid_client", reason, detail);
    }

    private static void error(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
            String error, String reason, String detail) throws IOException {
        logger.info("Refused a token to {}: {}", ClientAddress.of(request), reason);
        Rejections.reason(request, reason);
        noStore(response);
        ProblemResponse.write(response, status, detail, request.getRequestURI(), error);
    }

    private static void noStore(HttpServletResponse response) {
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setHeader(HttpHeaders.PRAGMA, "no-cache");
    }

    @Override
    public String toString() {
        return "TokenEndpoint[" + this.clientId + "]";
    }
}
