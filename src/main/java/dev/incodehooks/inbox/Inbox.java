package dev.incodehooks.inbox;

import dev.incodehooks.event.IncomingWebhook;

/**
 * Takes accepted events. When {@link #accept} returns, the event is durably stored with one pending
 * delivery per interested sink, and the webhook may be acknowledged.
 */
public interface Inbox {

    /**
     * Gives the webhook its id and time of receipt, and stores it, or recognises it as a duplicate of one
     * stored within the dedup window. The id is put in the calling thread's MDC as {@code eventId}, for the
     * caller's lines about the event; the caller removes it.
     * @throws InboxUnavailableException when the event could not be stored in time; the caller must not
     * acknowledge it (Incode will retry). An event not committed by the deadline is not committed later.
     */
    Acceptance accept(IncomingWebhook webhook);

    /** What became of an accepted event. */
    enum Acceptance {

        /** Stored, with its deliveries. */
        STORED,

        /** The same type and body were stored within the dedup window: nothing new was written. */
        DUPLICATE

    }
}
