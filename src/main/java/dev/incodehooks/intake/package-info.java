/**
 * The webhook URL: body limits, strict parsing, the answer Incode counts as success, and intake metrics.
 */
@NullMarked
@ApplicationModule(allowedDependencies = { "event", "inbox", "security" })
package dev.incodehooks.intake;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
