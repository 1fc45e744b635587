package dev.incodehooks.inbox;

/**
 * The inbox could not take an event; answering with a retryable error loses nothing.
 */
public class InboxUnavailableException extends RuntimeException {

    public InboxUnavailableException(String message) {
        super(message);
    }
}
