/**
 * A faithful Incode for integration tests: sends Incode's webhooks to a receiver and retries them as Incode
 * does. The {@code simulate} command of the service's jar ({@link SimulatorCommand}) and a Java API
 * ({@link IncodeSimulator}); it needs nothing of the service and starts no Spring context.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {})
package dev.incodehooks.simulator;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
