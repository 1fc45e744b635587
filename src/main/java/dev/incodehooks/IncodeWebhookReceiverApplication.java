package dev.incodehooks;

import java.time.Clock;
import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.modulith.Modulithic;

import dev.incodehooks.admin.PasswordHash;
import dev.incodehooks.simulator.SimulatorCommand;

/**
 * The single URL Incode calls with its webhooks: checks, stores, answers, broadcasts.
 */
// Kafka sinks build their own producers from spring.kafka.*: Boot's Kafka beans are not needed.
// @SpringBootApplication's scan, but the management context's own configurations (the console, its access
// control) are left to that context: scanned here, they would serve the public port.
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
        "org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration" })
@ComponentScan(excludeFilters = { @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = ManagementContextConfiguration.class) })
@Modulithic
public class IncodeWebhookReceiverApplication {

    public static void main(String[] args) throws Exception {
        // Tools in the same jar, dispatched before Spring starts.
        if (args.length > 0 && args[0].equals("hash-password")) {
            PasswordHash.main(args);
            return;
        }
        if (args.length > 0 && args[0].equals("simulate")) {
            SimulatorCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(IncodeWebhookReceiverApplication.class, args);
    }

    /** One clock for every feature, so that tests and timestamps agree. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
