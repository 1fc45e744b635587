package dev.incodehooks.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Registers the caller checks on the webhook paths only, in the order of the design: source address
 * first (403), then the static headers (401).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    /** Runs after the intake metrics filter, so that rejections are counted too. */
    static final int SOURCE_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

    private static final Logger logger = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    FilterRegistrationBean<SourceAllowlistFilter> sourceAllowlistFilter(SecurityProperties properties) {
        var resolver = new ClientAddressResolver(properties.trustedProxyRanges());
        var registration = new FilterRegistrationBean<>(
                new SourceAllowlistFilter(resolver, properties.allowedSourceRanges()));
        registration.addUrlPatterns("/webhooks/*");
        registration.setOrder(SOURCE_FILTER_ORDER);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequiredHeadersFilter> requiredHeadersFilter(SecurityProperties properties) {
        if (properties.requiredHeaders().isEmpty()) {
            logger.warn("No webhooks.security.required-headers configured: any caller from an allowed source "
                    + "is accepted. Set the custom header configured in Incode's dashboard.");
        }
        var registration = new FilterRegistrationBean<>(new RequiredHeadersFilter(properties.requiredHeaders()));
        registration.addUrlPatterns("/webhooks/*");
        registration.setOrder(SOURCE_FILTER_ORDER + 1);
        return registration;
    }
}
