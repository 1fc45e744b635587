/**
 * Where accepted events wait for delivery.
 */
@NullMarked
@ApplicationModule(allowedDependencies = "event")
package dev.incodehooks.inbox;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
