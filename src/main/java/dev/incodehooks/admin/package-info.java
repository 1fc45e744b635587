/**
 * The operators' view: the {@code webhooks} actuator endpoint on the management port.
 */
@NullMarked
@ApplicationModule(allowedDependencies = "inbox")
package dev.incodehooks.admin;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
