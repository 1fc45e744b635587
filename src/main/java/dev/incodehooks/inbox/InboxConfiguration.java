package dev.incodehooks.inbox;

import java.time.Clock;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The inbox beans. The writer is a lifecycle that stops after the web server has stopped taking webhooks
 * and after the delivery workers, and before the data source closes, so that every queued write is
 * committed.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(InboxProperties.class)
class InboxConfiguration {

    @Bean
    static SqliteDirectoryInitializer sqliteDirectoryInitializer() {
        return new SqliteDirectoryInitializer();
    }

    @Bean
    InboxDialect inboxDialect(DataSource dataSource) {
        return InboxDialect.of(dataSource);
    }

    @Bean
    InboxWriter inboxWriter(DataSource dataSource, InboxDialect dialect, Clock clock, InboxProperties properties,
            MeterRegistry registry) {
        return new InboxWriter(dataSource, dialect, clock, properties, registry);
    }

    @Bean
    JdbcInbox inbox(InboxWriter writer, JdbcClient jdbc, DeliveryRouting routing, Clock clock,
            InboxProperties properties, InboxDialect dialect) {
        return new JdbcInbox(writer, jdbc, routing, clock, properties, dialect);
    }

    @Bean
    InboxAdmin inboxAdmin(JdbcClient jdbc, InboxDialect dialect, InboxWriter writer, DeliveryRouting routing,
            Clock clock) {
        return new InboxAdmin(jdbc, dialect, writer, routing, clock);
    }

    @Bean
    InboxRetention inboxRetention(JdbcClient jdbc, InboxDialect dialect, TransactionTemplate transactions,
            Clock clock, InboxProperties properties) {
        return new InboxRetention(jdbc, dialect, transactions, clock, properties);
    }

    @Bean
    InboxHealthIndicator inboxHealthIndicator(InboxWriter writer, InboxProperties properties) {
        return new InboxHealthIndicator(writer, properties);
    }
}
