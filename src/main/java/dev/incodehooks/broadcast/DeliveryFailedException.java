package dev.incodehooks.broadcast;

/**
 * A sink refused an event; the message is stored as the delivery's last error, so it never holds a
 * payload or header value.
 */
class DeliveryFailedException extends RuntimeException {

    DeliveryFailedException(String message) {
        super(message, null, false, false);
    }
}
