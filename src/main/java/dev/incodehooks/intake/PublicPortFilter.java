package dev.incodehooks.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What the public port gives a caller that is not Incode: {@code /webhooks/**} and nothing else (every
 * other path, {@code /error} included, is a bare {@code 404} problem, and an error dispatch is a bare
 * problem of its status: never a stack trace, an exception class or a server name); and a rejected
 * caller is answered at once and disconnected, with the rest of its body left unread (with
 * {@code server.tomcat.max-swallow-size: 0}), so that announcing megabytes and sending them slowly holds
 * no worker.
 */
class PublicPortFilter extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
            throws ServletException, IOException {
        if (request.getDispatcherType() == DispatcherType.ERROR) {
            Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            HttpStatus resolved = (status instanceof Integer code) ? HttpStatus.resolve(code) : null;
            problem(response, (resolved != null) ? resolved : HttpStatus.INTERNAL_SERVER_ERROR);
            return;
        }
        // The path as the server routes it (decoded, dot segments resolved): "/webhooks/../error" is "/error".
        String path = request.getServletPath() + ((request.getPathInfo() != null) ? request.getPathInfo() : "");
        if (!path.startsWith("/webhooks/")) {
            problem(response, HttpStatus.NOT_FOUND);
            return;
        }
        filterChain.doFilter(request, response);
        if (RejectedCallerValve.CLOSE_AFTER.contains(response.getStatus()) && !response.isCommitted()) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
            // Sent now, before the server would swallow what is left of the body.
            response.flushBuffer();
        }
    }

    private static void problem(HttpServletResponse response, HttpStatus status) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        byte[] body = bareProblem(status);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (RejectedCallerValve.CLOSE_AFTER.contains(status.value())) {
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    /** A problem that says its status and nothing else. */
    static byte[] bareProblem(HttpStatus status) {
        return ("{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":" + status.value()
                + "}").getBytes(StandardCharsets.UTF_8);
    }
}
