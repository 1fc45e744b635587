package dev.incodehooks.admin;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.incodehooks.inbox.InboxAdmin;

/**
 * The admin endpoint bean.
 */
@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

    @Bean
    WebhooksEndpoint webhooksEndpoint(InboxAdmin admin) {
        return new WebhooksEndpoint(admin);
    }
}
