package dev.incodehooks;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class IncodeWebhookReceiverApplication {
    public static void main(String[] args) {
        SpringApplication.run(IncodeWebhookReceiverApplication.class, args);
    }
}
