package dev.incodehooks.admin;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * {@code java -jar incode-webhook-receiver.jar hash-password}: reads a password (from the terminal without
 * echo, or from standard input) and prints the {@code {bcrypt}} hash that {@code webhooks.admin.users.<name>.password}
 * takes. The password is never an argument, so it stays out of shell history and process lists.
 */
public final class PasswordHash {

    private PasswordHash() {
    }

    public static void main(String[] args) throws IOException {
        Console console = System.console();
        String password;
        if (console != null) {
            char[] typed = console.readPassword("Password: ");
            password = (typed != null) ? new String(typed) : "";
        }
        else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = (line != null) ? line : "";
        }
        if (password.length() < 8) {
            System.err.println("A password of at least 8 characters, please.");
            System.exit(2);
        }
        System.out.println("{bcrypt}" + new BCryptPasswordEncoder().encode(password));
    }
}
