package dev.incodehooks.inbox;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The durable store ({@code webhooks.inbox.*}); where it lives is {@code spring.datasource.url}.
 *
 * @param dedupWindow how long the same type and body count as a duplicate: Incode's bodies carry no event
 * id, so a legitimate repeat within the window is dropped; the default covers Incode's ~32
 * minutes of retries
 * @param retention how long delivered events are kept; pending and dead ones are kept until resolved
 * @param commitDeadline longest a webhook waits for its commit before it is answered {@code 503}
 * @param maxBatchSize most events (and delivery updates) written in one transaction
 * @param queueCapacity most writes waiting for the writer; past that, webhooks are answered {@code 503}
 * @param queueBytes most body bytes waiting for the writer; past that, webhooks are answered {@code 503}
 * @param purgeInterval how often retention runs
 * @param clockSkew how far apart the clocks of replicas sharing a store may be: an event goes to an ordered
 * sink only once it is older than the commit deadline plus this, so that every event received before it
 * on any replica is visible
 */
@Validated
@ConfigurationProperties("webhooks.inbox")
public record InboxProperties(@DefaultValue("1h") @NotNull Duration dedupWindow,
        @DefaultValue("30d") @NotNull Duration retention, @DefaultValue("2s") @NotNull Duration commitDeadline,
        @DefaultValue("512") @Min(1) @Max(10_000) int maxBatchSize,
        @DefaultValue("20000") @Min(1) int queueCapacity, @DefaultValue("1h") @NotNull Duration purgeInterval,
        @DefaultValue("1s") @NotNull Duration clockSkew, @DefaultValue("64MB") @NotNull DataSize queueBytes) {
}
