package dev.incodehooks.broadcast;

import dev.incodehooks.event.WebhookEvent;

/**
 * One kind of internal destination (HTTP endpoint, log, in-process listeners). Returning normally means
 * delivered; throwing means this attempt failed and the delivery is retried.
 */
interface EventSink {

    /**
     * @param event the event, with its original body
     * @param attempt the number of this attempt, from 1
     */
    void deliver(WebhookEvent event, int attempt) throws Exception;
}
