package dev.incodehooks.admin;

import java.time.Clock;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.io.ClassPathResource;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.servlet.function.support.HandlerFunctionAdapter;
import org.springframework.web.servlet.function.support.RouterFunctionMapping;

import dev.incodehooks.inbox.InboxAdmin;

/**
 * The operator console at the management port's root, in the management context (so never on the public
 * port), when at least one user is configured. Functional routes: the management context has no
 * annotated-controller machinery of its own, and these few routes need none.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@Conditional(AdminConfiguration.UsersConfigured.class)
class ConsoleConfiguration {

    @Bean
    RouterFunction<ServerResponse> consoleRoutes(InboxAdmin admin, ActivityHistory history, Clock clock) {
        ConsolePages pages = new ConsolePages(admin, history, clock);
        return RouterFunctions.route()
            .GET("/", pages::overview)
            .GET("/login", pages::login)
            .GET("/events", pages::find)
            .GET("/events/{id}", pages::event)
            .POST("/events/{id}/payload", pages::reveal)
            .POST("/deliveries/{id}/replay", pages::replay)
            .POST("/deliveries/{id}/skip", pages::skip)
            .GET("/dead", pages::deadLetters)
            .GET("/dead/replay", pages::confirmReplayAll)
            .POST("/dead/replay", pages::replayAll)
            .route(RequestPredicates.path("/denied"), pages::denied)
            .add(RouterFunctions.resources("/assets/**", new ClassPathResource("console/assets/")))
            .build();
    }

    @Bean
    RouterFunctionMapping consoleHandlerMapping() {
        return new RouterFunctionMapping();
    }

    @Bean
    HandlerFunctionAdapter consoleHandlerAdapter() {
        return new HandlerFunctionAdapter();
    }
}
