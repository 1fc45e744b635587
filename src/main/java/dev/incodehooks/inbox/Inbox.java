package dev.incodehooks.inbox;

import dev.incodehooks.event.WebhookEvent;

/**
 * Takes accepted events. When {@link #accept} returns, the event is durably stored with one pending
 * delivery per interested sink, and the webhook may be acknowledged.
 */
public interface Inbox {

    /**
     * Stores one event, or recognises it as a duplicate of one stored within the dedup window.
     * @throws InboxUnavailableException when the event could not be stored in time; the caller must not
     * acknowledge it (Incode will retry, and a late commit is then recognised as a duplicate)
     */
    Acceptance accept(WebhookEvent event);

    /** What became of an accepted event. */
    enum Acceptance {

        /** Stored, with its deliveries. */
        STORED,

        /** The same type and body were stored within the dedup window: nothing new was written. */
        DUPLICATE

    }
}
