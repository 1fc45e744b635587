package dev.incodehooks.admin;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.event.AbstractAuthenticationEvent;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsChecker;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Logs logins to the management port (every failure; a console login), and locks a user out for
 * {@link #LOCK} after {@value #MAX_FAILURES} wrong passwords in a row, refusing before the password is checked,
 * so that guessing is slow and cannot keep the cores busy with bcrypt for one user. Only configured users are
 * counted: names that do not exist cost nothing to remember.
 */
class LoginAttempts implements ApplicationListener<AbstractAuthenticationEvent>, UserDetailsChecker {

    static final int MAX_FAILURES = 10;

    static final Duration LOCK = Duration.ofMinutes(1);

    private static final Logger logger = LoggerFactory.getLogger(LoginAttempts.class);

    private final Set<String> users;

    private final Clock clock;

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    LoginAttempts(Set<String> users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public void check(UserDetails user) {
        Failures recent = this.failures.get(user.getUsername());
        if (recent != null && recent.count() >= MAX_FAILURES
                && this.clock.millis() - recent.lastAt() < LOCK.toMillis()) {
            throw new LockedException("Locked after repeated wrong passwords");
        }
    }

    @Override
    public void onApplicationEvent(AbstractAuthenticationEvent event) {
        String name = event.getAuthentication().getName();
        String user = this.users.contains(name) ? name : "(unknown user)";
        if (event instanceof AbstractAuthenticationFailureEvent failure) {
            if (failure instanceof AuthenticationFailureBadCredentialsEvent && this.users.contains(name)) {
                long now = this.clock.millis();
                this.failures.merge(name, new Failures(1, now),
                        (before, one) -> new Failures(before.count() + 1, now));
            }
            logger.warn("Management login failed for {} from {}: {}", user, address(event),
                    failure.getException().getClass().getSimpleName());
        }
        else if (event instanceof AuthenticationSuccessEvent) {
            this.failures.remove(name);
        }
        else if (event instanceof InteractiveAuthenticationSuccessEvent) {
            logger.info("Management console login of {} from {}", user, address(event));
        }
    }

    private static String address(AbstractAuthenticationEvent event) {
        return (event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details)
                ? details.getRemoteAddress() : "?";
    }

    private record Failures(int count, long lastAt) {
    }
}
