package dev.incodehooks.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.incodehooks.inbox.InboxAdmin;

/**
 * {@code /actuator/webhooks} on the management port.
 * <ul>
 * <li>{@code GET /actuator/webhooks}: deliveries per sink and state</li>
 * <li>{@code GET /actuator/webhooks/events?interviewId=&type=&status=&limit=}: recent events with their
 * deliveries (never the payload)</li>
 * <li>{@code GET /actuator/webhooks/deliveries?sink=&state=&limit=}: deliveries with their last error</li>
 * <li>{@code POST /actuator/webhooks/replay} with {@code {"deliveryId":N}}, {@code {"eventId":"..."}} or
 * {@code {"sink":"..."}} (every dead delivery of that sink)</li>
 * </ul>
 */
@Endpoint(id = "webhooks")
class WebhooksEndpoint {

    private static final int DEFAULT_LIMIT = 50;

    private static final int MAX_LIMIT = 1000;

    private final InboxAdmin admin;

    WebhooksEndpoint(InboxAdmin admin) {
        this.admin = admin;
    }

    @ReadOperation
    Map<String, Object> summary() {
        return Map.of("deliveries", this.admin.counts());
    }

    @ReadOperation
    @Nullable Object section(@Selector String section, @Nullable String interviewId, @Nullable String type,
            @Nullable String status, @Nullable String sink, @Nullable String state, @Nullable Integer limit) {
        int rows = (limit == null) ? DEFAULT_LIMIT : Math.max(1, Math.min(limit, MAX_LIMIT));
        return switch (section) {
            case "events" -> this.admin.events(interviewId, type, status, rows);
            case "deliveries" -> this.admin.deliveries(sink, state, rows);
            default -> null;
        };
    }

    @WriteOperation
    @Nullable Map<String, Object> replay(@Selector String action, @Nullable Long deliveryId, @Nullable String eventId,
            @Nullable String sink) {
        if (!"replay".equals(action)) {
            return null;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (deliveryId != null) {
            result.put("deliveryId", deliveryId);
            result.put("replayed", this.admin.replayDelivery(deliveryId));
        }
        else if (eventId != null) {
            result.put("eventId", eventId);
            result.put("replayed", this.admin.replayEvent(eventId));
        }
        else if (sink != null) {
            result.put("sink", sink);
            result.put("replayed", this.admin.replayDead(sink));
        }
        else {
            result.put("error", "give deliveryId, eventId or sink");
            result.put("replayed", 0);
        }
        return result;
    }
}
