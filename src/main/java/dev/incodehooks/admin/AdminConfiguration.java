package dev.incodehooks.admin;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.incodehooks.inbox.InboxAdmin;

/**
 * The admin endpoint and the console's data, on when at least one user is configured; the console's pages
 * and the management port's access control live in the management context ({@link ConsoleConfiguration},
 * {@link ManagementSecurityConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdminProperties.class)
class AdminConfiguration {

    private static final Logger logger = LoggerFactory.getLogger(AdminConfiguration.class);

    AdminConfiguration(AdminProperties properties) {
        properties.users().forEach((name, user) -> {
            if (user.cost() < 10) {
                logger.warn("The password hash of management user {} has a cost of {}: use 10 or more outside tests",
                        name, user.cost());
            }
        });
        if (!properties.enabled()) {
            logger.info("The operator console and /actuator/webhooks are off: configure a user under "
                    + "webhooks.admin.users.<name> (password: a {bcrypt} hash, role: viewer or operator) to turn them on");
        }
    }

    @Bean
    @Conditional(UsersConfigured.class)
    WebhooksEndpoint webhooksEndpoint(InboxAdmin admin) {
        return new WebhooksEndpoint(admin);
    }

    @Bean
    @Conditional(UsersConfigured.class)
    ActivityHistory activityHistory(MeterRegistry registry, Clock clock) {
        return new ActivityHistory(registry, clock);
    }

    /** At least one {@code webhooks.admin.users.<name>}. */
    static final class UsersConfigured implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment())
                .bind("webhooks.admin.users", Bindable.mapOf(String.class, String.class))
                .map((users) -> !users.isEmpty())
                .orElse(false);
        }
    }
}
