package dev.incodehooks.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requires the static headers configured in Incode's dashboard. Values are compared as SHA-256 digests
 * with {@link MessageDigest#isEqual}, against every accepted value, so neither the content nor the length
 * of a secret shows in the response time.
 */
class RequiredHeadersFilter extends OncePerRequestFilter {

    private static final Logger logger = LoggerFactory.getLogger(RequiredHeadersFilter.class);

    private final List<RequiredHeader> headers;

    RequiredHeadersFilter(Map<String, List<String>> requiredHeaders) {
        this.headers = requiredHeaders.entrySet()
            .stream()
            .map((entry) -> new RequiredHeader(entry.getKey(),
                    entry.getValue().stream().map(RequiredHeadersFilter::digest).toList()))
            .toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
            throws ServletException, IOException {
        for (RequiredHeader header : this.headers) {
            List<String> sent = Collections.list(request.getHeaders(header.name()));
            String problem = (sent.isEmpty()) ? "is missing"
                    : (sent.size() > 1) ? "was sent more than once"
                            : header.accepts(sent.get(0)) ? null : "does not have an accepted value";
            if (problem != null) {
                logger.info("Rejected webhook from {}: required header {} {}", ClientAddress.of(request),
                        header.name(), problem);
                ProblemResponse.write(response, HttpStatus.UNAUTHORIZED,
                        "Required header " + header.name() + " " + problem + ".", request.getRequestURI());
                return;
            }
        }
        filterChain.doFilter(request, response);
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", ex);
        }
    }

    private record RequiredHeader(String name, List<byte[]> acceptedDigests) {

        boolean accepts(String value) {
            byte[] sent = digest(value);
            boolean accepted = false;
            for (byte[] candidate : this.acceptedDigests) {
                accepted |= MessageDigest.isEqual(candidate, sent);
            }
            return accepted;
        }

        @Override
        public String toString() {
            return "RequiredHeader[" + this.name + "]";
        }
    }
}
