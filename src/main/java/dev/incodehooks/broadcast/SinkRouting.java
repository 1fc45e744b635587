package dev.incodehooks.broadcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.incodehooks.event.WebhookEvent;
import dev.incodehooks.inbox.DeliveryRouting;

/**
 * Routes each event to the sinks whose {@code types} and {@code statuses} filters match it.
 */
class SinkRouting implements DeliveryRouting {

    private final Map<String, BroadcastProperties.SinkProperties> sinks;

    SinkRouting(Map<String, BroadcastProperties.SinkProperties> sinks) {
        this.sinks = sinks;
    }

    @Override
    public List<String> sinksFor(WebhookEvent event) {
        List<String> matching = new ArrayList<>(this.sinks.size());
        this.sinks.forEach((name, sink) -> {
            if ((sink.types().isEmpty() || sink.types().contains(event.type()))
                    && (sink.statuses().isEmpty() || (event.status() != null && sink.statuses().contains(event.status())))) {
                matching.add(name);
            }
        });
        return matching;
    }

    @Override
    public boolean ordered(String sink) {
        BroadcastProperties.SinkProperties properties = this.sinks.get(sink);
        return properties != null && properties.isOrdered();
    }

    @Override
    public Set<String> sinks() {
        return this.sinks.keySet();
    }
}
