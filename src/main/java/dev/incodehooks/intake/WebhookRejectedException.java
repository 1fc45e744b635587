package dev.incodehooks.intake;

import org.springframework.http.HttpStatus;

/**
 * A webhook request that breaks the intake contract: answered with {@link #status()} and counted under
 * {@link #reason()}.
 */
class WebhookRejectedException extends RuntimeException {

    private final HttpStatus status;

    private final String reason;

    WebhookRejectedException(HttpStatus status, String reason, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.reason = reason;
    }

    HttpStatus status() {
        return this.status;
    }

    /** Low-cardinality reason, the {@code reason} tag of {@code webhooks.intake.requests}. */
    String reason() {
        return this.reason;
    }

    static WebhookRejectedException badRequest(String reason, String detail) {
        return new WebhookRejectedException(HttpStatus.BAD_REQUEST, reason, detail);
    }
}
