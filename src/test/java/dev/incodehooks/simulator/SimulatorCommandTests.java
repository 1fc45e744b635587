package dev.incodehooks.simulator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.incodehooks.simulator.Receiver.Answer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code simulate} command: its options, its summary, its exit code. Against real receivers on 127.0.0.1.
 */
class SimulatorCommandTests {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void everythingSucceededPrintsTheSummaryAndExitsZero() throws Exception {
        try (Receiver receiver = Receiver.answering((request) -> Answer.json())) {
            int exit = run(false, "--url", receiver.url().toString(), "--header", "X-Incode-Secret=s3cret=with=equals",
                    "--interviews", "3", "--rate=100/s", "--scenario", "mixed");
            assertThat(exit).isZero();
            assertThat(out()).startsWith("Incode simulator, to " + receiver.url() + "/webhooks/incode/{type}: 21 notifications in ")
                .contains("succeeded first time     21", "given up                 0", "tries                    21 (200: 21)")
                .doesNotContain("s3cret");
            assertThat(err()).isEmpty();
            assertThat(receiver.requests()).allSatisfy(
                    (request) -> assertThat(request.header("X-Incode-Secret")).isEqualTo("s3cret=with=equals"));
        }
    }

    @Test
    void jsonPrintsOneObjectAndAnythingGivenUpExitsOne() throws Exception {
        try (Receiver receiver = Receiver.answering(
                (request) -> request.body().contains("IN_PROGRESS") ? Answer.of(200, "text/html") : Answer.noContent())) {
            int exit = run(true, "--url", receiver.url().toString(), "--scenario", "ine", "--interviews", "2",
                    "--rate", "6000/m", "--time-scale", "1000", "--json");
            assertThat(exit).isEqualTo(1);
            assertThat(out()).matches("\\{\"sent\":4,\"succeededFirstTime\":2,\"retried\":2,\"succeededAfterRetries\":0,"
                    + "\"givenUp\":2,\"tries\":14,\"answers\":\\{\"200 text/html\":12,\"204\":2},\"seconds\":[0-9.]+}\\R");
            assertThat(err()).as("no progress line with --json, even on a terminal").isEmpty();
        }
    }

    @Test
    void onATerminalItDrawsOneProgressLine() throws Exception {
        try (Receiver receiver = Receiver.answering((request) -> Answer.noContent())) {
            assertThat(run(true, "--url", receiver.url().toString(), "--interviews", "2", "--rate", "20")).isZero();
            assertThat(err()).startsWith("\rsent ").contains("succeeded 10").endsWith(System.lineSeparator());
            assertThat(err().split("\n")).as("one line, redrawn").hasSize(1);
        }
    }

    @Test
    void aBodyFileIsSentOncePerInterviewWithItsType(@TempDir Path directory) throws Exception {
        Path body = directory.resolve("selfie.json");
        Files.writeString(body, "{\"interviewId\":\"{{interviewId}}\",\"clientId\":\"acme\"}");
        try (Receiver receiver = Receiver.answering((request) -> Answer.noContent())) {
            assertThat(run(false, "--url", receiver.url().toString(), "--body", body.toString(), "--type",
                    "videoselfie-uploaded", "--interviews", "4", "--rate", "100", "--path", "/in/{type}"))
                .isZero();
            assertThat(receiver.requests()).hasSize(4)
                .allSatisfy((request) -> assertThat(request.path()).isEqualTo("/in/videoselfie-uploaded"))
                .allSatisfy((request) -> assertThat(request.body()).matches("\\{\"interviewId\":\"[0-9a-f]{24}\",\"clientId\":\"acme\"}"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = { "--interviews 3 | --url is required",
            "--url http://127.0.0.1:1 --bogus 1 | Unknown option --bogus",
            "--url ftp://x | --url must be an http:// or https:// URL",
            "--url http://127.0.0.1:1 --rate fast | --rate takes a positive number",
            "--url http://127.0.0.1:1 --rate 0/s | --rate takes a positive number",
            "--url http://127.0.0.1:1 --timeout 10h | --timeout takes a positive duration",
            "--url http://127.0.0.1:1 --interviews 0 | at least 1",
            "--url http://127.0.0.1:1 --interviews many | --interviews takes a whole number",
            "--url http://127.0.0.1:1 --interviews 2.9 | --interviews takes a whole number",
            "--url http://127.0.0.1:1 --interviews 4294967297 | --interviews takes a whole number",
            "--url http://127.0.0.1:1?x=1 | takes no user, password, query or fragment",
            "--url http://127.0.0.1:1/#f | takes no user, password, query or fragment",
            "--url http://127.0.0.1:1 --type videoselfie | --type goes with --body",
            "--url http://127.0.0.1:1 --path /hooks/{kind}/x | make no valid URL",
            "--url http://127.0.0.1:1 --header Content-Type=text/plain | Content-Type is always application/json",
            "--url http://127.0.0.1:1 --token-url http://127.0.0.1:1/t --client-id a --client-secret b --header Authorization=x | Authorization header carries the token",
            "--url http://127.0.0.1:1 --scenario kyc | Unknown scenario 'kyc'",
            "--url http://127.0.0.1:1 --time-scale 0.5 | time scale must be 1 or more",
            "--url http://127.0.0.1:1 --header NoEquals | --header takes NAME=VALUE",
            "--url http://127.0.0.1:1 --body /nonexistent/file.json | Cannot read --body",
            "--url http://127.0.0.1:1 --body x.json --scenario ine | exclude each other",
            "--url http://127.0.0.1:1 --client-id a | need --token-url",
            "--url http://127.0.0.1:1 --token-url http://127.0.0.1:1/t --client-id a | needs the client secret",
            "--url http://127.0.0.1:1 --url http://127.0.0.1:2 | given twice",
            "--url | needs a value", "simulate --url http://127.0.0.1:1 | Unexpected argument at position 1" })
    void aWrongCommandExitsTwoAndSaysWhy(String args, String message) throws Exception {
        assertThat(run(false, args.trim().split(" +"))).isEqualTo(2);
        assertThat(err()).startsWith("simulate: ").contains(message).contains("--help");
        assertThat(out()).isEmpty();
    }

    @Test
    void secretsInAMistypedCommandAreNeverEchoed() throws Exception {
        assertThat(run(false, "--url", "http://user:hunter2@127.0.0.1:1")).isEqualTo(2);
        assertThat(run(false, "--url", "http://127.0.0.1:1", "--header", "X-Incode-Secret", "hunter2")).isEqualTo(2);
        assertThat(run(false, "--url", "http://127.0.0.1:1", "--header", "X-Secret:hunter2=x")).isEqualTo(2);
        assertThat(run(false, "--url", "http://127.0.0.1:1", "--header", "X-Secret=hunter2\n")).isEqualTo(2);
        assertThat(err()).contains("takes no user", "Unexpected argument at position 5", "not a valid header name")
            .doesNotContain("hunter2");
        assertThat(out()).isEmpty();
    }

    @Test
    void helpPrintsTheOptions() throws Exception {
        assertThat(run(false, "--help")).isZero();
        assertThat(out()).contains("--url URL", "--time-scale F", "--token-url URL", "Exit code: 0");
    }

    @Test
    void ratesAndTimeoutsAreReadWithTheirUnits() {
        assertThat(SimulatorCommand.rate("20/s")).isEqualTo(20);
        assertThat(SimulatorCommand.rate("20")).isEqualTo(20);
        assertThat(SimulatorCommand.rate("600/m")).isEqualTo(10);
        assertThat(SimulatorCommand.rate("0.5")).isEqualTo(0.5);
        assertThat(SimulatorCommand.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SimulatorCommand.duration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(SimulatorCommand.duration("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(SimulatorCommand.duration("1.5m")).isEqualTo(Duration.ofSeconds(90));
    }

    private int run(boolean terminal, String... args) throws InterruptedException {
        return SimulatorCommand.run(args, new PrintStream(this.out, true, StandardCharsets.UTF_8),
                new PrintStream(this.err, true, StandardCharsets.UTF_8), null, terminal);
    }

    private String out() {
        return this.out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return this.err.toString(StandardCharsets.UTF_8);
    }
}
