package dev.incodehooks.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An internal consumer for the lag benchmark, on Tomcat like a real one: records, for every event
 * delivered, the time from the service receiving it ({@code X-Webhook-Received-At}) to its arrival here.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
        WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class })
@RestController
public class LagConsumerApplication {

    private final ConcurrentLinkedQueue<Long> lags = new ConcurrentLinkedQueue<>();

    private final Set<String> ids = ConcurrentHashMap.newKeySet();

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(LagConsumerApplication.class);
        application.setDefaultProperties(Map.of("spring.main.banner-mode", "off", "spring.config.location",
                "optional:file:./nonexistent/"));
        application.run(args);
    }

    @PostMapping("/hooks")
    ResponseEntity<Void> receive(HttpServletRequest request) throws IOException {
        long now = System.currentTimeMillis();
        request.getInputStream().readAllBytes();
        this.lags.add(now - Instant.parse(request.getHeader("X-Webhook-Received-At")).toEpochMilli());
        this.ids.add(request.getHeader("X-Webhook-Id"));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/reset")
    ResponseEntity<Void> reset() {
        this.lags.clear();
        this.ids.clear();
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/stats")
    Map<String, Long> stats() {
        List<Long> sorted = new ArrayList<>(this.lags);
        Collections.sort(sorted);
        return Map.of("events", (long) this.ids.size(), "deliveries", (long) sorted.size(), "p50",
                percentile(sorted, 50), "p99", percentile(sorted, 99), "max",
                sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1));
    }

    private static long percentile(List<Long> sorted, int percentile) {
        return sorted.isEmpty() ? -1
                : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    }
}
