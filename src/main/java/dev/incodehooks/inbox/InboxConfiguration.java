package dev.incodehooks.inbox;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The inbox bean.
 */
@Configuration(proxyBeanMethods = false)
class InboxConfiguration {

    @Bean
    MemoryInbox inbox() {
        return new MemoryInbox(10_000);
    }
}
