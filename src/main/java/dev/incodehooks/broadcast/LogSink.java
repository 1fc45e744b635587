package dev.incodehooks.broadcast;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.incodehooks.event.WebhookEvent;

/**
 * Logs each event's type, interview id and status: never its payload.
 */
class LogSink implements EventSink {

    private static final Logger logger = LoggerFactory.getLogger(LogSink.class);

    @Override
    public void deliver(WebhookEvent event, int attempt) {
        logger.info("Webhook {} type={} interviewId={} status={}", event.id(), event.type(), event.interviewId(),
                event.status());
    }
}
