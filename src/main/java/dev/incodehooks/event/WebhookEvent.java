package dev.incodehooks.event;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One webhook call that passed every check, carrying the exact bytes Incode sent.
 *
 * @param id stable id of this event, sent to consumers as {@code X-Webhook-Id}
 * @param type the webhook type name, as in the path ({@code onboarding-status})
 * @param interviewId the Incode session id the event is about
 * @param status the status field of the payload, when the type has one and it was sent
 * @param receivedAt when the request was accepted
 * @param sourceAddress the resolved client address (Incode's)
 * @param body the original request body, byte for byte
 */
public record WebhookEvent(UUID id, String type, String interviewId, @Nullable String status, Instant receivedAt,
        String sourceAddress, byte[] body) {

    public WebhookEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(interviewId, "interviewId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        Objects.requireNonNull(body, "body");
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof WebhookEvent that && this.id.equals(that.id) && this.type.equals(that.type)
                && this.interviewId.equals(that.interviewId) && Objects.equals(this.status, that.status)
                && this.receivedAt.equals(that.receivedAt) && this.sourceAddress.equals(that.sourceAddress)
                && Arrays.equals(this.body, that.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.id, this.type, this.interviewId, this.status, this.receivedAt, this.sourceAddress,
                Arrays.hashCode(this.body));
    }

    /** Never prints the payload: it holds personal data. */
    @Override
    public String toString() {
        return "WebhookEvent[id=" + this.id + ", type=" + this.type + ", interviewId=" + this.interviewId
                + ", status=" + this.status + ", receivedAt=" + this.receivedAt + ", bodyBytes=" + this.body.length
                + "]";
    }
}
