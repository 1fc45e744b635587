package dev.incodehooks.admin;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.incodehooks.inbox.InboxAdmin;
import dev.incodehooks.inbox.InboxAdmin.Replay;

/**
 * {@code /actuator/webhooks} on the management port.
 * <ul>
 * <li>{@code GET /actuator/webhooks}: deliveries per sink and state, those held back behind a dead
 * delivery of their interview, and those of sinks no longer configured</li>
 * <li>{@code GET /actuator/webhooks/events?interviewId=&type=&status=&limit=}: recent events with their
 * deliveries (never the payload)</li>
 * <li>{@code GET /actuator/webhooks/deliveries?sink=&state=&limit=}: deliveries with their last error</li>
 * <li>{@code POST /actuator/webhooks/replay} with {@code {"deliveryId":N}}, {@code {"eventId":"..."}} or
 * {@code {"sink":"..."}} (every dead delivery of that sink)</li>
 * <li>{@code POST /actuator/webhooks/skip} with {@code {"deliveryId":N}}: give up on a dead delivery, so
 * that the later events of its interview go out on an ordered sink</li>
 * <li>{@code POST /actuator/webhooks/drop} with {@code {"sink":"..."}}: drop the waiting deliveries of a
 * sink that is no longer configured</li>
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
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("deliveries", this.admin.counts());
        summary.put("held", this.admin.held());
        summary.put("unconfiguredSinks", this.admin.unconfigured());
        return summary;
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

    /** An action, by an operator (the management port's access control lets nobody else post here). */
    @WriteOperation
    Map<String, Object> act(@Selector String action, @Nullable Long deliveryId, @Nullable String eventId,
            @Nullable String sink, SecurityContext caller) {
        Principal principal = caller.getPrincipal();
        if (principal == null) {
            throw new IllegalStateException("An action without a user: the management port's access control is off");
        }
        String actor = principal.getName();
        Map<String, Object> result = new LinkedHashMap<>();
        switch (action) {
            case "replay" -> {
                if (Stream.of(deliveryId, eventId, sink).filter(Objects::nonNull).count() != 1) {
                    throw new InvalidEndpointRequestException("Give exactly one of deliveryId, eventId or sink",
                            "Give exactly one of deliveryId, eventId or sink");
                }
                Replay replay;
                if (deliveryId != null) {
                    result.put("deliveryId", deliveryId);
                    replay = this.admin.replayDelivery(deliveryId, actor);
                }
                else if (eventId != null) {
                    result.put("eventId", eventId);
                    replay = refusingBadInput(() -> this.admin.replayEvent(eventId, actor));
                }
                else {
                    result.put("sink", sink);
                    replay = refusingBadInput(() -> this.admin.replayDead(sink, actor));
                }
                result.put("replayed", replay.replayed());
                // Pending deliveries are on their way (perhaps in flight): a replay would race their attempt.
                result.put("notReplayed", replay.notReplayed());
            }
            case "skip" -> {
                if (deliveryId == null) {
                    throw new InvalidEndpointRequestException("Give the deliveryId of a dead delivery",
                            "Give the deliveryId of a dead delivery");
                }
                result.put("deliveryId", deliveryId);
                result.put("skipped", this.admin.skip(deliveryId, actor));
            }
            case "drop" -> {
                if (sink == null) {
                    throw new InvalidEndpointRequestException("Give the sink whose deliveries to drop",
                            "Give the sink whose deliveries to drop");
                }
                result.put("sink", sink);
                result.put("dropped", refusingBadInput(() -> this.admin.drop(sink, actor)));
            }
            default -> throw new InvalidEndpointRequestException("Unknown action: replay, skip or drop",
                    "Unknown action: replay, skip or drop");
        }
        return result;
    }

    /** An admin method's {@link IllegalArgumentException} is the caller's mistake: 400, and nothing changed. */
    private static <T> T refusingBadInput(Supplier<T> action) {
        try {
            return action.get();
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
        }
    }
}
