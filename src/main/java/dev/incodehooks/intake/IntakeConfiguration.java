package dev.incodehooks.intake;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Intake beans, and its metrics filter ahead of every other filter on the webhook paths.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IntakeProperties.class)
class IntakeConfiguration {

    @Bean
    WebhookTypes webhookTypes(IntakeProperties properties) {
        return new WebhookTypes(properties);
    }

    @Bean
    FilterRegistrationBean<IntakeMetricsFilter> intakeMetricsFilter(WebhookTypes types, MeterRegistry registry) {
        var registration = new FilterRegistrationBean<>(new IntakeMetricsFilter(types, registry));
        registration.addUrlPatterns("/webhooks/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
