package dev.incodehooks.intake;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.core.StandardHost;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.servlet.filter.OrderedRequestContextFilter;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.observation.ServerRequestObservationContext;

import dev.incodehooks.inbox.Inbox;
import dev.incodehooks.inbox.InboxProperties;
import dev.incodehooks.security.OAuth2Properties;

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

    /**
     * On every path of the public port (the management port has its own server), right after Spring's
     * observation filter, so that requests to other paths are still observed.
     */
    @Bean
    FilterRegistrationBean<PublicPortFilter> publicPortFilter() {
        var registration = new FilterRegistrationBean<>(new PublicPortFilter());
        registration.addUrlPatterns("/*");
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }

    @Bean
    ServletRegistrationBean<WebhookServlet> webhookServlet(WebhookTypes types, Inbox inbox, IntakeProperties properties,
            JsonMapper json) {
        var registration = new ServletRegistrationBean<>(new WebhookServlet(types, inbox, properties, json),
                WebhookServlet.PATH_PREFIX + "*");
        registration.setName("webhookServlet");
        registration.setLoadOnStartup(1);
        return registration;
    }

    /**
     * Spring MVC's request context (in place of Boot's, same order), for MVC's handlers only: the webhook
     * servlet needs none, and setting it up and clearing it was a twentieth of a webhook's request thread.
     */
    @Bean
    OrderedRequestContextFilter requestContextFilter() {
        return new OrderedRequestContextFilter() {

            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return request.getRequestURI().startsWith(WebhookServlet.PATH_PREFIX);
            }
        };
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> rejectedCallerValve() {
        return (factory) -> {
            factory.addContextValves(new RejectedCallerValve());
            // "100 Continue" only once the body is read: a caller refused before that is not invited to upload it.
            factory.addConnectorCustomizers((connector) -> connector.setProperty("continueResponseTiming", "onRead"));
            factory.addContextCustomizers((context) -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(ProblemReportValve.class.getName());
                }
            });
        };
    }

    @Bean
    FilterRegistrationBean<IntakeMetricsFilter> intakeMetricsFilter(WebhookTypes types, MeterRegistry registry) {
        var registration = new FilterRegistrationBean<>(new IntakeMetricsFilter(types, registry));
        registration.addUrlPatterns("/webhooks/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /**
     * A body as large as the intake takes must fit in the write queue's byte budget: otherwise every such body
     * would be answered 503 for ever while health stays UP. Checked as start-up ends.
     */
    @Bean
    SmartInitializingSingleton bodiesFitInTheWriteQueue(IntakeProperties intake, InboxProperties inbox) {
        return () -> {
            if (inbox.queueBytes().compareTo(intake.maxBodySize()) < 0) {
                throw new IllegalStateException("webhooks.inbox.queue-bytes (" + inbox.queueBytes()
                        + ") must be at least webhooks.max-body-size (" + intake.maxBodySize() + ")");
            }
        };
    }

    /**
     * The token series at 0 from the start too. Not in the filter's bean: filters are made as the web server
     * starts, where a wrong OAuth2 setting would be reported as a web server failure, not by its key.
     */
    @Bean
    SmartInitializingSingleton intakeTokenSeries(WebhookTypes types, MeterRegistry registry, OAuth2Properties oauth2) {
        return () -> IntakeMetricsFilter.registerTokenSeries(registry, types, oauth2.mode());
    }

    /**
     * The webhook paths are measured by {@link IntakeMetricsFilter} ({@code webhooks.intake.*}, with the
     * outcome and reason Spring's {@code http.server.requests} cannot tell); observing them twice cost
     * about a sixth of a request's CPU. Other paths (the management port) keep their observations.
     */
    @Bean
    ObservationPredicate intakeObservedOnce() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext server
                && server.getCarrier().getRequestURI().startsWith("/webhooks/"));
    }
}
