package dev.incodehooks;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Runs the test suite against PostgreSQL instead of SQLite when the JVM has {@code -Dtest.store=postgresql}
 * (the second Surefire execution does): each application context whose store comes from the tests'
 * default configuration gets a new database on a real embedded PostgreSQL. Tests that choose their own
 * store keep it.
 */
class TestStoreEnvironmentPostProcessor implements EnvironmentPostProcessor {

    private static final String KEY = "spring.datasource.url";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!"postgresql".equals(System.getProperty("test.store"))) {
            return;
        }
        for (PropertySource<?> source : environment.getPropertySources()) {
            // "configurationProperties" is Boot's view over all the others: look at the real ones.
            if (!source.getName().equals("configurationProperties") && source.containsProperty(KEY)) {
                if (source.getName().contains("config/application.yml")) {
                    environment.getPropertySources()
                        .addFirst(new MapPropertySource("testPostgres", Map.of(KEY, TestPostgres.newDatabaseUrl())));
                }
                return;
            }
        }
    }
}
