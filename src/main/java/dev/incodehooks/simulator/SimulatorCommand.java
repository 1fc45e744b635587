package dev.incodehooks.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * {@code java -jar incode-webhook-receiver.jar simulate ...}: the simulator on the command line. Exit code 0
 * when every notification succeeded, 1 when any was given up, 2 for a mistake in the command.
 */
public final class SimulatorCommand {

    static final String USAGE = """
            Usage: java -jar incode-webhook-receiver.jar simulate --url URL [options]
              Sends Incode's webhooks to a receiver and retries them as Incode does: success is only 200 with
              application/json or 204; anything else, a timeout or a refused connection is retried 5 times
              (30 s, then 2.5x longer each time: 32.2 minutes in all), then given up.

              --url URL               the receiver's base URL (https://hooks.example.com)
              --path PATH             where each webhook goes under it (default /webhooks/incode/{type})
              --header NAME=VALUE     a custom header sent on every webhook (repeat for more)
              --scenario NAME         onboarding (default), ine or mixed
              --body FILE             your own JSON body instead, one per interview; {{interviewId}} in it
                                      is replaced by each interview's id
              --type TYPE             the webhook type of --body (default onboarding-status)
              --interviews N          interviews to simulate (default 10)
              --rate N[/s|/m]         first tries per second or minute (default 10/s)
              --time-scale F          divide the retry delays by F (60: 32 minutes in 32 s; default 1)
              --timeout DURATION      no answer within this is a failure (default 10s; 500ms, 2s, 1m)
              --token-url URL         OAuth2 mode: fetch a client-credentials token here and send it as a
              --client-id ID          bearer token; the client secret comes from --client-secret or the
              --client-secret SECRET  environment variable INCODE_CLIENT_SECRET
              --seed N                the same interview ids on every run with the same seed
              --json                  print the summary as one JSON object
            Exit code: 0 when everything succeeded, 1 when anything was given up, 2 for a wrong option.
            """;

    private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(?:/(s|m))?");

    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m)?");

    private SimulatorCommand() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err, System.getenv("INCODE_CLIENT_SECRET"), terminal()));
    }

    /**
     * Whether a person watches: a console whose output is a terminal (on Java 22 and later {@code System.console()}
     * is there even when the output goes to a file, and {@code Console.isTerminal()} tells).
     */
    private static boolean terminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        }
        catch (ReflectiveOperationException ex) {
            return true;
        }
    }

    /**
     * Runs the command.
     * @param args the arguments after {@code simulate}
     * @param terminal whether to draw a progress line on {@code err}
     * @return the exit code
     */
    static int run(String[] args, PrintStream out, PrintStream err, @Nullable String clientSecretFromEnvironment,
            boolean terminal) throws InterruptedException {
        IncodeSimulator simulator;
        boolean json;
        try {
            Options options = Options.parse(args);
            if (options.has("help")) {
                out.print(USAGE);
                return 0;
            }
            json = options.has("json");
            simulator = simulator(options, clientSecretFromEnvironment);
        }
        catch (IllegalArgumentException ex) {
            err.println("simulate: " + ex.getMessage());
            err.println("Run with --help for the options.");
            return 2;
        }
        boolean progress = terminal && !json;
        SimulationSummary summary = simulator.run((p) -> {
            if (progress) {
                err.print(String.format(Locale.ROOT, "\rsent %d/%d  succeeded %d  waiting to retry %d  given up %d   ",
                        p.started(), p.total(), p.succeeded(), p.waiting(), p.givenUp()));
                err.flush();
            }
        }, Duration.ofMillis(250));
        if (progress) {
            err.println();
        }
        out.print(json ? summary.json() + System.lineSeparator()
                : "Incode simulator, to " + simulator.webhookUrl() + ": " + summary.text());
        return (summary.givenUp() > 0) ? 1 : 0;
    }

    private static IncodeSimulator simulator(Options options, @Nullable String clientSecretFromEnvironment) {
        IncodeSimulator.Builder builder = IncodeSimulator.to(uri(options.required("url"), "--url"));
        String path = options.single("path");
        if (path != null) {
            builder.path(path);
        }
        for (String header : options.all("header")) {
            int equals = header.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("--header takes NAME=VALUE");
            }
            if (!header.substring(0, equals).trim().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new IllegalArgumentException("--header takes NAME=VALUE, and NAME is not a valid header name");
            }
            builder.header(header.substring(0, equals).trim(), header.substring(equals + 1));
        }
        String seed = options.single("seed");
        if (seed != null) {
            builder.seed(number(seed, "--seed").longValue());
        }
        int interviews = count(options.value("interviews", "10"), "--interviews");
        String body = options.single("body");
        if (body != null) {
            if (options.single("scenario") != null) {
                throw new IllegalArgumentException("--body and --scenario exclude each other");
            }
            builder.body(options.value("type", Scenario.ONBOARDING_STATUS), read(body), interviews);
        }
        else {
            if (options.single("type") != null) {
                throw new IllegalArgumentException("--type goes with --body (the scenarios send their own types)");
            }
            builder.scenario(scenario(options.value("scenario", "onboarding")), interviews);
        }
        builder.rate(rate(options.value("rate", "10/s")));
        builder.timeScale(number(options.value("time-scale", "1"), "--time-scale").doubleValue());
        builder.timeout(duration(options.value("timeout", "10s")));
        String tokenUrl = options.single("token-url");
        if (tokenUrl != null) {
            String secret = options.single("client-secret");
            if (secret == null) {
                secret = clientSecretFromEnvironment;
            }
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException(
                        "OAuth2 mode needs the client secret: --client-secret or INCODE_CLIENT_SECRET");
            }
            builder.oauth2(uri(tokenUrl, "--token-url"), options.required("client-id"), secret);
        }
        else if (options.single("client-id") != null || options.single("client-secret") != null) {
            throw new IllegalArgumentException("--client-id and --client-secret need --token-url");
        }
        return builder.build();
    }

    private static Scenario scenario(String name) {
        for (Scenario scenario : Scenario.values()) {
            if (scenario.name().equalsIgnoreCase(name)) {
                return scenario;
            }
        }
        throw new IllegalArgumentException("Unknown scenario '" + name + "': onboarding, ine or mixed");
    }

    private static URI uri(String text, String option) {
        URI uri;
        try {
            uri = URI.create(text);
        }
        catch (IllegalArgumentException ex) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException(option + " must be an http:// or https:// URL with a host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(option + " takes no user, password, query or fragment");
        }
        return uri;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new IllegalArgumentException("Cannot read --body " + file + ": " + ex.getMessage());
        }
    }

    static double rate(String text) {
        Matcher rate = RATE.matcher(text.trim());
        if (!rate.matches() || Double.parseDouble(rate.group(1)) <= 0) {
            throw new IllegalArgumentException("--rate takes a positive number per second or minute (20/s, 600/m), not '"
                    + text + "'");
        }
        double value = Double.parseDouble(rate.group(1));
        return "m".equals(rate.group(2)) ? value / 60 : value;
    }

    static Duration duration(String text) {
        Matcher duration = DURATION.matcher(text.trim());
        if (!duration.matches() || Double.parseDouble(duration.group(1)) <= 0) {
            throw new IllegalArgumentException("--timeout takes a positive duration (500ms, 10s, 1m), not '" + text + "'");
        }
        double value = Double.parseDouble(duration.group(1));
        String unit = (duration.group(2) != null) ? duration.group(2) : "s";
        double millis = switch (unit) {
            case "ms" -> value;
            case "m" -> value * 60_000;
            default -> value * 1000;
        };
        return Duration.ofMillis(Math.max(1, Math.round(millis)));
    }

    private static int count(String text, String option) {
        try {
            return Integer.parseInt(text.trim());
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException(option + " takes a whole number, not '" + text + "'");
        }
    }

    private static Number number(String text, String option) {
        try {
            return text.contains(".") ? (Number) Double.parseDouble(text) : (Number) Long.parseLong(text);
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException(option + " takes a number, not '" + text + "'");
        }
    }

    /** {@code --name value} or {@code --name=value}; flags without a value. */
    private record Options(Map<String, List<String>> values) {

        private static final List<String> FLAGS = List.of("json", "help");

        private static final List<String> KNOWN = List.of("url", "path", "header", "scenario", "body", "type",
                "interviews", "rate", "time-scale", "timeout", "token-url", "client-id", "client-secret", "seed");

        static Options parse(String[] args) {
            Map<String, List<String>> values = new java.util.LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--")) {
                    // Not echoed: it may be a secret that lost its option ("--header X-Secret s3cret").
                    throw new IllegalArgumentException("Unexpected argument at position " + (i + 1)
                            + ": options start with -- and take their value after a space or =");
                }
                String name = arg.substring(2);
                String value = null;
                int equals = name.indexOf('=');
                if (equals >= 0) {
                    value = name.substring(equals + 1);
                    name = name.substring(0, equals);
                }
                if (FLAGS.contains(name)) {
                    if (value != null) {
                        throw new IllegalArgumentException("--" + name + " takes no value");
                    }
                    value = "true";
                }
                else if (!KNOWN.contains(name)) {
                    throw new IllegalArgumentException("Unknown option --" + name);
                }
                else if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                List<String> list = values.computeIfAbsent(name, (key) -> new ArrayList<>());
                if (!list.isEmpty() && !name.equals("header")) {
                    throw new IllegalArgumentException("--" + name + " given twice");
                }
                list.add(value);
            }
            return new Options(values);
        }

        boolean has(String name) {
            return this.values.containsKey(name);
        }

        @Nullable String single(String name) {
            List<String> list = this.values.get(name);
            return (list != null) ? list.get(0) : null;
        }

        List<String> all(String name) {
            return this.values.getOrDefault(name, List.of());
        }

        String value(String name, String defaultValue) {
            String value = single(name);
            return (value != null) ? value : defaultValue;
        }

        String required(String name) {
            String value = single(name);
            if (value == null) {
                throw new IllegalArgumentException("--" + name + " is required");
            }
            return value;
        }
    }
}
