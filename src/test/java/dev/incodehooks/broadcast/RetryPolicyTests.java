package dev.incodehooks.broadcast;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTests {

    @Test
    void growsExponentiallyUpToTheMaximumThenStops() {
        RetryPolicy policy = new RetryPolicy(
                new BroadcastProperties.RetryProperties(Duration.ofSeconds(30), 2.5, Duration.ofMinutes(10), 5));
        assertThat(policy.delayAfter(1)).contains(Duration.ofSeconds(30));
        assertThat(policy.delayAfter(2)).contains(Duration.ofSeconds(75));
        assertThat(policy.delayAfter(3)).contains(Duration.ofMillis(187_500));
        assertThat(policy.delayAfter(4)).contains(Duration.ofMillis(468_750));
        assertThat(policy.delayAfter(5)).as("the fifth attempt was the last").isEmpty();
    }

    @Test
    void capsAtTheMaximumInterval() {
        RetryPolicy policy = new RetryPolicy(
                new BroadcastProperties.RetryProperties(Duration.ofSeconds(1), 10, Duration.ofSeconds(5), 20));
        assertThat(policy.delayAfter(3)).contains(Duration.ofSeconds(5));
        assertThat(policy.delayAfter(19)).contains(Duration.ofSeconds(5));
        assertThat(policy.delayAfter(20)).isEmpty();
    }

    @Test
    void singleAttemptNeverRetries() {
        RetryPolicy policy = new RetryPolicy(
                new BroadcastProperties.RetryProperties(Duration.ofSeconds(1), 2, Duration.ofSeconds(5), 1));
        assertThat(policy.delayAfter(1)).isEmpty();
    }
}
