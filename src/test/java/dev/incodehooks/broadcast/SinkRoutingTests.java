package dev.incodehooks.broadcast;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.incodehooks.broadcast.BroadcastProperties.SinkProperties;
import dev.incodehooks.broadcast.BroadcastProperties.SinkType;
import dev.incodehooks.event.WebhookEvent;

import static org.assertj.core.api.Assertions.assertThat;

class SinkRoutingTests {

    private final SinkRouting routing = new SinkRouting(Map.of("all", sink(List.of(), List.of()), "ine",
            sink(List.of("ine-scraping"), List.of()), "finished",
            sink(List.of("onboarding-status"), List.of("ONBOARDING_FINISHED", "MANUAL_REVIEW_APPROVED"))));

    @Test
    void routesByTypeAndStatus() {
        assertThat(this.routing.sinksFor(event("onboarding-status", "ONBOARDING_FINISHED")))
            .containsExactlyInAnyOrder("all", "finished");
        assertThat(this.routing.sinksFor(event("onboarding-status", "EXPIRED"))).containsExactly("all");
        assertThat(this.routing.sinksFor(event("ine-scraping", "FINISHED"))).containsExactlyInAnyOrder("all", "ine");
        assertThat(this.routing.sinksFor(event("onboarding-status", null))).containsExactly("all");
    }

    private static SinkProperties sink(List<String> types, List<String> statuses) {
        return new SinkProperties(SinkType.LOG, null, Map.of(), Duration.ofSeconds(1), types, statuses, false, 1,
                BroadcastProperties.RetryProperties.DEFAULT, null);
    }

    private static WebhookEvent event(String type, @Nullable String status) {
        return new WebhookEvent(UUID.randomUUID(), type, "64f1c0ffee0123456789abcd", status, Instant.now(),
                "18.210.119.234", "{}".getBytes(StandardCharsets.UTF_8));
    }
}
