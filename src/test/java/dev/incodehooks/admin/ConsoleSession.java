package dev.incodehooks.admin;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's view of the console without a browser: a cookie jar, the form login, and the CSRF token that
 * each rendered form carries. Redirects are not followed, so that tests see them.
 */
final class ConsoleSession {

    private static final Pattern CSRF = Pattern.compile("<input[^>]*name=\"_csrf\"[^>]*value=\"([^\"]+)\"|"
            + "<input[^>]*value=\"([^\"]+)\"[^>]*name=\"_csrf\"");

    private final int port;

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

    private ConsoleSession(int port) {
        this.port = port;
    }

    static ConsoleSession anonymous(int port) {
        return new ConsoleSession(port);
    }

    /** Logs in through the login page's form, as a person would. */
    static ConsoleSession login(int port, String user, String password) throws Exception {
        ConsoleSession session = new ConsoleSession(port);
        HttpResponse<String> answer = session.post("/login", Map.of("username", user, "password", password),
                session.csrf("/login"));
        if (answer.statusCode() != 302 || answer.headers().firstValue("Location").orElse("").contains("error")) {
            throw new IllegalStateException("Login of " + user + " failed: " + answer.statusCode() + " "
                    + answer.headers().firstValue("Location").orElse(""));
        }
        return session;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return this.http.send(request(path).GET().build(), BodyHandlers.ofString());
    }

    /** Posts a form with the CSRF token of the page at {@code formPage}, as submitting that page's form would. */
    HttpResponse<String> submit(String formPage, String action, Map<String, String> fields) throws Exception {
        return post(action, fields, csrf(formPage));
    }

    /** Posts a form with the given token (or none). */
    HttpResponse<String> post(String path, Map<String, String> fields, String csrf) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(fields);
        if (csrf != null) {
            all.put("_csrf", csrf);
        }
        String form = all.entrySet().stream()
            .map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
            .collect(Collectors.joining("&"));
        return this.http.send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(BodyPublishers.ofString(form))
            .build(), BodyHandlers.ofString());
    }

    /** The CSRF token in the forms of a page. */
    String csrf(String page) throws Exception {
        String html = get(page).body();
        Matcher matcher = CSRF.matcher(html);
        if (!matcher.find()) {
            throw new IllegalStateException("No CSRF token in the forms of " + page);
        }
        return (matcher.group(1) != null) ? matcher.group(1) : matcher.group(2);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).timeout(Duration.ofSeconds(10));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
