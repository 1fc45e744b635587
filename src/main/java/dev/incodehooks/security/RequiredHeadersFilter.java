package dev.incodehooks.security;

import java.io.IOException;
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

/**
 * Requires the static headers configured in Incode's dashboard, compared as {@link Secrets}.
 */
class RequiredHeadersFilter extends WebhookCheckFilter {

    private static final Logger logger = LoggerFactory.getLogger(RequiredHeadersFilter.class);

    private final List<RequiredHeader> headers;

    RequiredHeadersFilter(Map<String, List<String>> requiredHeaders) {
        this.headers = requiredHeaders.entrySet()
            .stream()
            .map((entry) -> new RequiredHeader(entry.getKey(), new Secrets(entry.getValue())))
            .toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
            throws ServletException, IOException {
        for (RequiredHeader header : this.headers) {
            List<String> sent = Collections.list(request.getHeaders(header.name()));
            String problem = (sent.isEmpty()) ? "is missing"
                    : (sent.size() > 1) ? "was sent more than once"
                            : header.accepted().accepts(sent.get(0)) ? null : "does not have an accepted value";
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

    /** Its {@code toString} names the header, never the accepted values. */
    private record RequiredHeader(String name, Secrets accepted) {
    }
}
