package dev.incodehooks.intake;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.coyote.BadRequestException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import dev.incodehooks.event.IncomingWebhook;
import dev.incodehooks.event.WebhookType;
import dev.incodehooks.inbox.Inbox;
import dev.incodehooks.inbox.Inbox.Acceptance;
import dev.incodehooks.inbox.InboxUnavailableException;
import dev.incodehooks.intake.IntakeProperties.ResponseMode;
import dev.incodehooks.security.ClientAddress;
import dev.incodehooks.security.Rejections;

/**
 * The URL Incode calls: checks the body, stores the event, and answers the way Incode counts as success
 * only once the event is committed. A duplicate gets the same answer as the first. A plain servlet at
 * {@value #PATH_PREFIX}{@code *}: Spring MVC's dispatching (handler look-up, argument resolution, exception
 * resolvers) cost a fifth of a webhook's request-thread CPU for one fixed route; every refusal is still a
 * problem+json answer, written here.
 */
class WebhookServlet extends HttpServlet {

    static final String PATH_PREFIX = "/webhooks/incode/";

    private static final Logger logger = LoggerFactory.getLogger(WebhookServlet.class);

    private static final byte[] SUCCESS = "{\"success\":true}".getBytes(StandardCharsets.UTF_8);

    /** What Incode documents for the INE-scraping webhook: the string "true". */
    private static final byte[] LEGACY_SUCCESS = "{\"success\":\"true\"}".getBytes(StandardCharsets.UTF_8);

    private final WebhookTypes types;

    private final PayloadParser parser = new PayloadParser();

    private final Inbox inbox;

    private final ResponseMode responseMode;

    private final int maxBodySize;

    private final JsonMapper json;

    WebhookServlet(WebhookTypes types, Inbox inbox, IntakeProperties properties, JsonMapper json) {
        this.types = types;
        this.inbox = inbox;
        this.responseMode = properties.response();
        this.maxBodySize = (int) properties.maxBodySize().toBytes();
        this.json = json;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!"POST".equals(request.getMethod())) {
                response.setHeader(HttpHeaders.ALLOW, "POST");
                throw new WebhookRejectedException(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
                        "Method '" + printable(request.getMethod()) + "' is not supported.");
            }
            // The path after the servlet's, decoded and normalised as Spring MVC did; none for the prefix itself.
            String pathInfo = request.getPathInfo();
            receive((pathInfo == null || pathInfo.length() <= 1) ? "" : pathInfo.substring(1), request, response);
        }
        catch (WebhookRejectedException ex) {
            Rejections.reason(request, ex.reason());
            problem(request, response, ex.status(), ex.getMessage());
        }
        catch (InboxUnavailableException ex) {
            logger.warn("Webhook not stored, answering 503: " + ex.getMessage());
            Rejections.reason(request, "inbox-unavailable");
            response.setHeader(HttpHeaders.RETRY_AFTER, IntakeExceptionHandler.RETRY_AFTER_SECONDS);
            problem(request, response, HttpStatus.SERVICE_UNAVAILABLE, "The event could not be stored; retry later.");
        }
    }

    private void receive(String name, HttpServletRequest request, HttpServletResponse response) throws IOException {
        WebhookType type = this.types.find(name)
            .orElseThrow(() -> new WebhookRejectedException(HttpStatus.NOT_FOUND, "unknown-type",
                    "No webhook type is configured at this path."));
        requireJson(request.getContentType());
        byte[] body = readBody(request);
        PayloadParser.Fields fields = this.parser.parse(body, type);
        // The inbox gives it its id and time of receipt as it queues it: that order is the order of delivery.
        IncomingWebhook webhook = new IncomingWebhook(type.name(), fields.interviewId(), fields.status(),
                ClientAddress.of(request), body);
        // Fields of the lines about this webhook in structured logs (the 503 warning among them); the inbox
        // adds its eventId.
        MDC.put("eventType", webhook.type());
        MDC.put("interviewId", webhook.interviewId());
        if (this.inbox.accept(webhook) == Acceptance.DUPLICATE) {
            // The id it was given is not stored: the event is the one stored first.
            MDC.remove("eventId");
            IntakeMetricsFilter.outcome(request, "duplicate");
            logger.debug("Duplicate {} event for interview {}", webhook.type(), webhook.interviewId());
        }
        answer(type, response);
    }

    /** Written directly: the answer is fixed, and content negotiation cost a seventh of a request's CPU. */
    private void answer(WebhookType type, HttpServletResponse response) throws IOException {
        if (this.responseMode == ResponseMode.NO_CONTENT) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        byte[] body = type.legacySuccess() ? LEGACY_SUCCESS : SUCCESS;
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** As Spring MVC writes a {@link ProblemDetail}: the same fields, the request's path as its instance. */
    private void problem(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(request.getRequestURI()));
        byte[] body = this.json.writeValueAsBytes(problem);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** A method name as a caller sent it, safe to echo: Tomcat accepts any token there. */
    private static String printable(String method) {
        return method.length() <= 16 && method.chars().allMatch((c) -> c > 32 && c < 127 && c != '"' && c != '\\')
                ? method : "?";
    }

    private static void requireJson(@Nullable String contentType) {
        if (contentType == null || !isJson(contentType)) {
            throw new WebhookRejectedException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "The body must be sent as application/json.");
        }
    }

    private static boolean isJson(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return MediaType.APPLICATION_JSON.isCompatibleWith(type) && !type.isWildcardSubtype()
                    || "json".equals(type.getSubtypeSuffix()) && "application".equals(type.getType());
        }
        catch (InvalidMediaTypeException ex) {
            return false;
        }
    }

    /**
     * Reads a body of announced length into one array of that size (Tomcat holds the caller to it); one without
     * (chunked) at most the configured size plus one byte, so that it cannot grow past the limit.
     */
    private byte[] readBody(HttpServletRequest request) throws IOException {
        long announced = request.getContentLengthLong();
        if (announced > this.maxBodySize) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            if (announced >= 0) {
                return in.readNBytes((int) announced);
            }
            byte[] body = in.readNBytes(this.maxBodySize + 1);
            if (body.length > this.maxBodySize) {
                throw tooLarge();
            }
            return body;
        }
        catch (BadRequestException ex) {
            // The caller's fault, not ours (a broken chunked encoding, a connection closed mid-body): a 400, counted so.
            throw WebhookRejectedException.badRequest("unreadable-body",
                    "The body could not be read as sent (a broken chunked encoding or a connection closed early).");
        }
    }

    private WebhookRejectedException tooLarge() {
        return new WebhookRejectedException(HttpStatus.CONTENT_TOO_LARGE, "too-large",
                "The body is larger than " + this.maxBodySize + " bytes.");
    }
}
