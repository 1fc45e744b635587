package dev.incodehooks.broadcast;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.incodehooks.inbox.MemoryInbox;

/**
 * The broadcaster and the sinks built in.
 */
@Configuration(proxyBeanMethods = false)
class BroadcastConfiguration {

    @Bean
    LogSink logSink() {
        return new LogSink();
    }

    @Bean
    ApplicationEventSink applicationEventSink(ApplicationEventPublisher publisher) {
        return new ApplicationEventSink(publisher);
    }

    @Bean
    Broadcaster broadcaster(MemoryInbox inbox, List<EventSink> sinks, MeterRegistry registry) {
        return new Broadcaster(inbox, sinks, registry);
    }
}
