package dev.incodehooks.intake;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.incodehooks.inbox.InboxUnavailableException;
import dev.incodehooks.security.Rejections;

/**
 * Turns every rejection into {@code application/problem+json}; Spring's own (405, 404, ...) come through
 * the base class.
 */
@RestControllerAdvice
class IntakeExceptionHandler extends ResponseEntityExceptionHandler {

    /** Incode retries on its own schedule (30 s first); this tells any other client the same. */
    static final String RETRY_AFTER_SECONDS = "30";

    @ExceptionHandler
    ResponseEntity<ProblemDetail> rejected(WebhookRejectedException ex, HttpServletRequest request) {
        Rejections.reason(request, ex.reason());
        return ResponseEntity.status(ex.status()).body(ProblemDetail.forStatusAndDetail(ex.status(), ex.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unavailable(InboxUnavailableException ex, HttpServletRequest request) {
        logger.warn("Webhook not stored, answering 503: " + ex.getMessage());
        Rejections.reason(request, "inbox-unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
            .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "The event could not be stored; retry later."));
    }
}
