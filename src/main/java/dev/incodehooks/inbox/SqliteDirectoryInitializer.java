package dev.incodehooks.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Creates the folder of an SQLite database file before anything opens it: SQLite creates the file but
 * not its folder, and a fresh checkout has no {@code ./data}.
 */
class SqliteDirectoryInitializer implements BeanFactoryPostProcessor, EnvironmentAware {

    private static final String PREFIX = "jdbc:sqlite:";

    private String url = "";

    @Override
    public void setEnvironment(Environment environment) {
        this.url = environment.getProperty("spring.datasource.url", "");
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (!this.url.startsWith(PREFIX)) {
            return;
        }
        String file = this.url.substring(PREFIX.length());
        int query = file.indexOf('?');
        file = (query >= 0) ? file.substring(0, query) : file;
        if (file.startsWith("file:")) {
            file = file.substring("file:".length());
        }
        if (file.isEmpty() || file.equals(":memory:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot create the folder of the inbox database " + parent, ex);
        }
    }
}
