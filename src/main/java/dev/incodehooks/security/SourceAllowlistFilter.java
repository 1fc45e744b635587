package dev.incodehooks.security;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets in only callers from the allowed source ranges, resolving the caller behind trusted proxies.
 */
class SourceAllowlistFilter extends OncePerRequestFilter {

    private static final Logger logger = LoggerFactory.getLogger(SourceAllowlistFilter.class);

    private final ClientAddressResolver resolver;

    private final AddressRanges allowedSources;

    SourceAllowlistFilter(ClientAddressResolver resolver, AddressRanges allowedSources) {
        this.resolver = resolver;
        this.allowedSources = allowedSources;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
            throws ServletException, IOException {
        Optional<InetAddress> client = this.resolver.resolve(request.getRemoteAddr(),
                request.getHeaders("X-Forwarded-For"));
        if (client.isEmpty()) {
            logger.debug("Rejected webhook from peer {}: client address could not be determined",
                    request.getRemoteAddr());
            ProblemResponse.write(response, HttpStatus.FORBIDDEN, "The client address could not be determined.",
                    request.getRequestURI());
            return;
        }
        String address = client.get().getHostAddress();
        if (!this.allowedSources.contains(client.get())) {
            logger.debug("Rejected webhook from {} (peer {}): source not allowed", address, request.getRemoteAddr());
            ProblemResponse.write(response, HttpStatus.FORBIDDEN, "This source address is not allowed.",
                    request.getRequestURI());
            return;
        }
        request.setAttribute(ClientAddress.ATTRIBUTE, address);
        filterChain.doFilter(request, response);
    }
}
