package dev.incodehooks.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Writes an RFC 9457 {@code application/problem+json} answer from a filter, before any controller runs.
 * Titles and details are fixed texts of ours: nothing the caller sent is echoed.
 */
final class ProblemResponse {

    private ProblemResponse() {
    }

    static void write(HttpServletResponse response, HttpStatus status, String detail, String instance)
            throws IOException {
        write(response, status, detail, instance, null);
    }

    /**
     * With an OAuth2 error code ({@code invalid_client}, ...) as the {@code error} and
     * {@code error_description} members, which OAuth2 clients read (RFC 6749, section 5.2).
     */
    static void write(HttpServletResponse response, HttpStatus status, String detail, String instance,
            @Nullable String oauthError) throws IOException {
        String json = "{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":"
                + status.value() + ",\"detail\":\"" + detail + "\",\"instance\":\"" + escape(instance) + "\""
                + ((oauthError != null) ? ",\"error\":\"" + oauthError + "\",\"error_description\":\"" + detail + "\"" : "")
                + "}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                escaped.append('\\').append(c);
            }
            else if (c < 0x20) {
                escaped.append(String.format("\\u%04x", (int) c));
            }
            else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
