/**
 * What a webhook is once it has been accepted: plain records, no Spring.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {})
package dev.incodehooks.event;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
