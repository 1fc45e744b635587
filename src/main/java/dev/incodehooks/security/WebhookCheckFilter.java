package dev.incodehooks.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A check on the webhooks themselves: it does not apply to the OAuth2 token URL, which authenticates its
 * client itself (Incode's custom headers and bearer tokens are for webhooks).
 */
abstract class WebhookCheckFilter extends OncePerRequestFilter {

    @Override
    protected final boolean shouldNotFilter(HttpServletRequest request) {
        return TokenEndpoint.PATH.equals(request.getRequestURI());
    }
}
