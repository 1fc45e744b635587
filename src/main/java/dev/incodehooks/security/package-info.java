/**
 * Who may call: client-address resolution behind trusted proxies, the source allowlist and the
 * static headers configured in Incode's dashboard.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {})
package dev.incodehooks.security;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
