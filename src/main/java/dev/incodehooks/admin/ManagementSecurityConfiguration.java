package dev.incodehooks.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.DefaultAuthenticationEventPublisher;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.authorization.AuthenticatedAuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Access control on the management port, and only there (this configuration lives in the management
 * context, so the public port never sees Spring Security): health is open, Prometheus is open or needs its
 * bearer token, the rest needs a configured user. The JSON API takes HTTP Basic without sessions or CSRF;
 * the console a form login with a session and CSRF tokens. A viewer reads; an operator also changes.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@EnableWebSecurity
class ManagementSecurityConfiguration {

    /** Assets and a page's own origin only: no inline script or style, no framing, forms post home. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    static final String VIEWER = AdminProperties.Role.VIEWER.name();

    static final String OPERATOR = AdminProperties.Role.OPERATOR.name();

    @Bean
    DelegatingFilterProxyRegistrationBean managementSecurityFilterRegistration() {
        var registration = new DelegatingFilterProxyRegistrationBean("springSecurityFilterChain");
        registration.setOrder(-100);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR, DispatcherType.ASYNC);
        return registration;
    }

    /** An operator holds both roles, so that every read rule names the viewer only. */
    @Bean
    UserDetailsService managementUsers(AdminProperties properties) {
        List<UserDetails> users = properties.users().entrySet().stream().map((entry) -> {
            var user = User.withUsername(entry.getKey()).password(entry.getValue().password());
            return (entry.getValue().role() == AdminProperties.Role.OPERATOR) ? user.roles(VIEWER, OPERATOR).build()
                    : user.roles(VIEWER).build();
        }).toList();
        return new InMemoryUserDetailsManager(users);
    }

    @Bean
    LoginAttempts loginAttempts(AdminProperties properties, Clock clock) {
        return new LoginAttempts(properties.users().keySet(), clock);
    }

    /**
     * One authentication for the API and the console: the configured users (their hashes carry their id,
     * {@code {bcrypt}}), a locked-out user refused before the password is checked, every outcome published.
     */
    @Bean
    AuthenticationManager managementAuthentication(UserDetailsService users, LoginAttempts attempts,
            ApplicationEventPublisher events) {
        var provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder());
        provider.setPreAuthenticationChecks((user) -> {
            attempts.check(user);
            new AccountStatusUserDetailsChecker().check(user);
        });
        var manager = new ProviderManager(provider);
        manager.setAuthenticationEventPublisher(new DefaultAuthenticationEventPublisher(events));
        return manager;
    }

    /** {@code /actuator/**}: HTTP Basic, no session, no CSRF (a script sends the credentials every time). */
    @Bean
    @Order(1)
    SecurityFilterChain managementApi(HttpSecurity http, WebEndpointProperties endpoints, AdminProperties properties,
            AuthenticationManager authentication) throws Exception {
        String base = endpoints.getBasePath();
        http.securityMatcher(base + "/**")
            .authenticationManager(authentication)
            .authorizeHttpRequests((requests) -> {
                requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
                requests.requestMatchers(base + "/health", base + "/health/**").permitAll();
                requests.requestMatchers(base + "/prometheus").access(prometheus(properties.prometheus()));
                if (!properties.enabled()) {
                    // The endpoint is not there: a 404, not a challenge nobody can answer.
                    requests.requestMatchers(base + "/webhooks", base + "/webhooks/**").permitAll();
                }
                requests.requestMatchers(HttpMethod.GET, base, base + "/info", base + "/webhooks", base + "/webhooks/**")
                    .hasRole(VIEWER);
                // Anything else an operator exposes later (loggers, env, heapdump, ...) is for operators only.
                requests.anyRequest().hasRole(OPERATOR);
            })
            .httpBasic((basic) -> basic.realmName("incode-webhook-receiver"))
            .exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(basicEntryPoint()))
            .csrf((csrf) -> csrf.disable())
            .sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .requestCache((cache) -> cache.disable());
        return http.build();
    }

    /** The console: a form login with a session, CSRF tokens on every change, a strict CSP. */
    @Bean
    @Order(2)
    SecurityFilterChain console(HttpSecurity http, AdminProperties properties, AuthenticationManager authentication)
            throws Exception {
        http.authenticationManager(authentication);
        http.authorizeHttpRequests((requests) -> {
            requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
            if (!properties.enabled()) {
                // No console: every path is a plain 404.
                requests.anyRequest().permitAll();
                return;
            }
            requests.requestMatchers("/login", "/assets/**").permitAll();
            requests.requestMatchers(HttpMethod.GET, "/**").hasRole(VIEWER);
            requests.anyRequest().hasRole(OPERATOR);
        })
            .headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy((referrer) -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
        if (properties.enabled()) {
            http.formLogin((login) -> login.loginPage("/login").defaultSuccessUrl("/", false))
                .logout((logout) -> logout.logoutSuccessUrl("/login?logout"))
                .exceptionHandling((exceptions) -> exceptions.accessDeniedPage("/denied"));
        }
        return http.build();
    }

    private static BasicAuthenticationEntryPoint basicEntryPoint() {
        var entryPoint = new BasicAuthenticationEntryPoint();
        entryPoint.setRealmName("incode-webhook-receiver");
        return entryPoint;
    }

    /** Open, or the scrape's bearer token (compared in constant time), or a user. */
    private static AuthorizationManager<RequestAuthorizationContext> prometheus(AdminProperties.Prometheus prometheus) {
        if (prometheus.open()) {
            return (authentication, context) -> new AuthorizationDecision(true);
        }
        byte[] expected = ("Bearer " + prometheus.bearerToken()).getBytes(StandardCharsets.UTF_8);
        AuthorizationManager<RequestAuthorizationContext> token = (authentication, context) -> {
            HttpServletRequest request = context.getRequest();
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            return new AuthorizationDecision(
                    header != null && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8)));
        };
        return AuthorizationManagers.anyOf(token, AuthenticatedAuthorizationManager.authenticated());
    }
}
