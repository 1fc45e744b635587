package dev.incodehooks.bench;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The yardstick, never part of the product: the fastest thing the same stack can do with a webhook. A
 * Spring MVC endpoint on Tomcat that reads the body and answers 204, nothing else (no checks, no store,
 * no metrics).
 */
@SpringBootConfiguration
@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
        WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class })
@RestController
public class BaselineApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(BaselineApplication.class);
        application.setDefaultProperties(java.util.Map.of("spring.main.banner-mode", "off",
                "spring.config.location", "optional:file:./nonexistent/"));
        application.run(args);
    }

    @PostMapping("/webhooks/incode/{type}")
    ResponseEntity<Void> receive(@PathVariable String type, HttpServletRequest request) throws IOException {
        request.getInputStream().readAllBytes();
        return ResponseEntity.noContent().build();
    }
}
