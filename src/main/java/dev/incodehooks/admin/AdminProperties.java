package dev.incodehooks.admin;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may use the management port ({@code webhooks.admin.*}): the console and {@code /actuator/webhooks} need
 * one of these users; health, and Prometheus unless it has a token, are open.
 * @param users by user name, each with a bcrypt hash and a role; none turns the console and the endpoint off
 * @param prometheus who may scrape {@code /actuator/prometheus}
 */
@ConfigurationProperties("webhooks.admin")
@Validated
record AdminProperties(@DefaultValue Map<String, @Valid User> users, @DefaultValue @Valid Prometheus prometheus) {

    boolean enabled() {
        return !this.users.isEmpty();
    }

    /** What a user may do: a viewer reads, an operator also replays, skips, drops and reveals payloads. */
    enum Role {

        VIEWER, OPERATOR
    }

    /**
     * One user.
     * @param password a bcrypt hash with its id, {@code {bcrypt}$2a$...} (see config/README.md for how to make one)
     */
    record User(String password, @NotNull Role role) {

        private static final java.util.regex.Pattern BCRYPT = java.util.regex.Pattern
            .compile("\\{bcrypt\\}\\$2[aby]?\\$(0[4-9]|1[0-6])\\$[./0-9A-Za-z]{53}");

        /** Checked here rather than with a constraint, whose message would print the value: perhaps a password. */
        User {
            if (password == null || !BCRYPT.matcher(password).matches()) {
                throw new IllegalArgumentException("password must be a bcrypt hash with its id and a cost of 04 to 16, "
                        + "{bcrypt}$2a$10$... (java -jar incode-webhook-receiver.jar hash-password makes one); "
                        + "the value is not shown");
            }
        }

        /** The hash's cost (log2 of its rounds): below 10, guessing a leaked hash is cheap. */
        int cost() {
            return Integer.parseInt(this.password.substring(this.password.indexOf('$', 9) + 1,
                    this.password.indexOf('$', 9) + 3));
        }

        @Override
        public String toString() {
            return "User[role=" + this.role + "]";
        }
    }

    /**
     * Access to {@code /actuator/prometheus}.
     * @param bearerToken when set, a scrape must carry {@code Authorization: Bearer <token>} (or a user's
     * credentials); when empty, the scrape is open
     */
    record Prometheus(@Nullable String bearerToken) {

        boolean open() {
            return this.bearerToken == null || this.bearerToken.isBlank();
        }

        @Override
        public String toString() {
            return "Prometheus[open=" + open() + "]";
        }
    }
}
