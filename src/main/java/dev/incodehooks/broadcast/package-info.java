/**
 * Fan-out of accepted events to every internal system that wants them.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "event", "inbox" })
package dev.incodehooks.broadcast;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
