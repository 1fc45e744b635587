package dev.incodehooks;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;

/**
 * Features depend on each other only in the directions their {@code package-info.java} allows, with no
 * cycles.
 */
class ModularityTests {

    @Test
    void dependenciesFlowOneWay() {
        ApplicationModules.of(IncodeWebhookReceiverApplication.class).verify();
    }
}
