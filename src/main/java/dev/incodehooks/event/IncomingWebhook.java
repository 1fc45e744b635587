package dev.incodehooks.event;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A webhook that passed every check, before the inbox takes it: the inbox gives it its id and time of
 * receipt as it queues it, so that the order of ids is the order in which events are written.
 *
 * @param type the webhook type name, as in the path
 * @param interviewId the Incode session id the event is about
 * @param status the status field of the payload, when the type has one and it was sent
 * @param sourceAddress the resolved client address (Incode's)
 * @param body the original request body, byte for byte
 */
public record IncomingWebhook(String type, String interviewId, @Nullable String status, String sourceAddress,
        byte[] body) {

    public IncomingWebhook {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(interviewId, "interviewId");
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        Objects.requireNonNull(body, "body");
    }

    /** The event this webhook becomes, received at the time in its id. */
    public WebhookEvent stamp(UUID id) {
        return new WebhookEvent(id, this.type, this.interviewId, this.status, Instant.ofEpochMilli(EventIds.millis(id)),
                this.sourceAddress, this.body);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof IncomingWebhook that && this.type.equals(that.type)
                && this.interviewId.equals(that.interviewId) && Objects.equals(this.status, that.status)
                && this.sourceAddress.equals(that.sourceAddress) && Arrays.equals(this.body, that.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.type, this.interviewId, this.status, this.sourceAddress, Arrays.hashCode(this.body));
    }

    /** Never prints the payload: it holds personal data. */
    @Override
    public String toString() {
        return "IncomingWebhook[type=" + this.type + ", interviewId=" + this.interviewId + ", status=" + this.status
                + ", bodyBytes=" + this.body.length + "]";
    }
}
