package dev.incodehooks.inbox;

import dev.incodehooks.event.WebhookEvent;

/**
 * Takes accepted events. When {@link #accept} returns, the event is the inbox's responsibility and the
 * webhook may be acknowledged.
 */
public interface Inbox {

    /**
     * Takes one event.
     * @throws InboxUnavailableException when the event could not be taken in time; the caller must not
     * acknowledge it (Incode will retry)
     */
    void accept(WebhookEvent event);
}
