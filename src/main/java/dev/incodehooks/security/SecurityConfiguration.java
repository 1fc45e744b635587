package dev.incodehooks.security;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Registers the caller checks on the webhook paths only, in the order of the design: source address
 * first (403), then the static headers (401), then, when OAuth2 is on, the bearer token (401); and in
 * {@code built-in} OAuth2 mode the token URL, behind the source check.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ SecurityProperties.class, OAuth2Properties.class })
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

    /** Bearer tokens on webhooks, in either OAuth2 mode. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OAuth2On.class)
    static class OAuth2Configuration {

        @Bean
        WebhookTokens webhookTokens(OAuth2Properties properties, Clock clock) {
            return new WebhookTokens(properties, clock);
        }

        @Bean
        FilterRegistrationBean<BearerTokenFilter> bearerTokenFilter(WebhookTokens tokens) {
            var registration = new FilterRegistrationBean<>(new BearerTokenFilter(tokens));
            registration.addUrlPatterns("/webhooks/*");
            registration.setOrder(SOURCE_FILTER_ORDER + 2);
            return registration;
        }
    }

    /** The token URL, in built-in mode only. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OAuth2BuiltIn.class)
    static class TokenEndpointConfiguration {

        @Bean
        ServletRegistrationBean<TokenEndpoint> tokenEndpoint(OAuth2Properties properties, WebhookTokens tokens,
                JsonMapper json) {
            var registration = new ServletRegistrationBean<>(new TokenEndpoint(properties, tokens, json),
                    TokenEndpoint.PATH);
            registration.setName("webhookTokenEndpoint");
            return registration;
        }
    }

    /** Reads {@code webhooks.security.oauth2.mode} the way the properties bind it (any case, dash or not). */
    abstract static class OAuth2ModeCondition implements Condition {

        private final Set<OAuth2Properties.Mode> modes;

        OAuth2ModeCondition(Set<OAuth2Properties.Mode> modes) {
            this.modes = modes;
        }

        /** An unknown mode matches nothing here: binding {@link OAuth2Properties} then fails naming the key. */
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String mode = Binder.get(context.getEnvironment())
                .bind("webhooks.security.oauth2.mode", String.class)
                .orElse("none")
                .trim()
                .replace('-', '_');
            return this.modes.stream().anyMatch((candidate) -> candidate.name().equalsIgnoreCase(mode));
        }
    }

    static final class OAuth2On extends OAuth2ModeCondition {

        OAuth2On() {
            super(EnumSet.of(OAuth2Properties.Mode.BUILT_IN, OAuth2Properties.Mode.EXTERNAL));
        }
    }

    static final class OAuth2BuiltIn extends OAuth2ModeCondition {

        OAuth2BuiltIn() {
            super(EnumSet.of(OAuth2Properties.Mode.BUILT_IN));
        }
    }
}
