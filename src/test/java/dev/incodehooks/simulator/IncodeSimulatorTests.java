package dev.incodehooks.simulator;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.incodehooks.simulator.IncodeSimulator.Try;
import dev.incodehooks.simulator.Receiver.Answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The simulator against real HTTP receivers on 127.0.0.1: Incode's success rule, its retry schedule (time-scaled),
 * timeouts, refused connections, OAuth2 mode, and what the scenarios send.
 */
class IncodeSimulatorTests {

    private static final String BODY = "{\"interviewId\":\"{{interviewId}}\",\"onboardingStatus\":\"ONBOARDING_FINISHED\"}";

    @Test
    void theRetryScheduleIsIncodesThirtySecondsTimesTwoAndAHalfFiveTimes() {
        assertThat(IncodeSimulator.RETRY_DELAYS).extracting(Duration::toMillis)
            .containsExactly(30_000L, 75_000L, 187_500L, 468_750L, 1_171_875L);
        assertThat(IncodeSimulator.RETRY_DELAYS.stream().mapToLong(Duration::toMillis).sum())
            .as("32.2 minutes in all").isEqualTo(1_933_125L);
    }

    @Test
    void aFailingReceiverIsTriedSixTimesOnTheScaledScheduleThenGivenUp() throws Exception {
        try (Receiver receiver = Receiver.answering((request) -> Answer.of(503, "application/problem+json"))) {
            IncodeSimulator simulator = IncodeSimulator.to(receiver.url()).body("onboarding-status", BODY, 1)
                .timeScale(1000)
                .build();
            SimulationSummary summary = simulator.run();
            assertThat(summary.givenUp()).isEqualTo(1);
            assertThat(summary.retried()).isEqualTo(1);
            assertThat(summary.succeeded()).isZero();
            assertThat(summary.tries()).isEqualTo(6);
            assertThat(summary.answers()).isEqualTo(Map.of("503", 6));
            List<Try> tries = simulator.tries();
            assertThat(tries).extracting(Try::attempt).containsExactly(1, 2, 3, 4, 5, 6);
            for (int retry = 1; retry < tries.size(); retry++) {
                Duration waited = Duration.between(tries.get(retry - 1).finished(), tries.get(retry).started());
                assertThat(waited).as("wait before retry " + retry)
                    .isGreaterThanOrEqualTo(IncodeSimulator.RETRY_DELAYS.get(retry - 1).dividedBy(1000)
                        .minusMillis(1));
            }
            assertThat(receiver.requests()).hasSize(6);
        }
    }

    @ParameterizedTest(name = "{0} {1}: success {2}")
    @CsvSource(nullValues = "none", value = { "200, application/json, true", "200, application/json; charset=UTF-8, true",
            "200, Application/JSON, true", "204, none, true", "200, text/html, false", "200, none, false",
            "200, application/problem+json, false", "201, application/json, false", "202, application/json, false",
            "301, application/json, false", "400, application/json, false", "500, application/json, false" })
    void successIsOnly200WithApplicationJsonOr204(int status, String contentType, boolean success) throws Exception {
        // The case under test on the first try, then a success: a failure shows as one retry.
        try (Receiver receiver = Receiver.answering(
                (request) -> (request.attempt() == 1) ? Answer.of(status, contentType) : Answer.noContent())) {
            IncodeSimulator simulator = IncodeSimulator.to(receiver.url()).body("onboarding-status", BODY, 1)
                .timeScale(1000)
                .build();
            SimulationSummary summary = simulator.run();
            assertThat(summary.givenUp()).isZero();
            if (success) {
                assertThat(summary.succeededFirstTime()).isEqualTo(1);
                assertThat(summary.tries()).isEqualTo(1);
            }
            else {
                assertThat(summary.succeededAfterRetries()).isEqualTo(1);
                assertThat(summary.tries()).isEqualTo(2);
                assertThat(simulator.tries().get(0).success()).isFalse();
            }
        }
    }

    @Test
    void theAnswersNameWhatWasWrong() throws Exception {
        try (Receiver receiver = Receiver.answering((request) -> switch (request.attempt()) {
            case 1 -> Answer.of(200, "text/html");
            case 2 -> Answer.of(200, null);
            case 3 -> Answer.of(503, "application/json");
            default -> Answer.json();
        })) {
            SimulationSummary summary = IncodeSimulator.to(receiver.url()).body("onboarding-status", BODY, 1)
                .timeScale(1000)
                .build()
                .run();
            assertThat(summary.answers()).isEqualTo(
                    Map.of("200 text/html", 1, "200 without Content-Type", 1, "503", 1, "200", 1));
            assertThat(summary.json()).contains("\"answers\":{\"200\":1,\"200 text/html\":1,"
                    + "\"200 without Content-Type\":1,\"503\":1}", "\"succeededAfterRetries\":1", "\"givenUp\":0");
        }
    }

    @Test
    void aReceiversContentTypeReachesTheSummaryOnlyAsAMediaTypeCanBe() throws Exception {
        try (Receiver receiver = Receiver.answering((request) -> (request.attempt() == 1)
                ? Answer.of(200, "Text/\"HTML\\" + "x".repeat(200)) : Answer.noContent())) {
            SimulationSummary summary = IncodeSimulator.to(receiver.url()).body("onboarding-status", BODY, 1)
                .timeScale(1000)
                .build()
                .run();
            assertThat(summary.answers()).containsOnlyKeys("204", "200 text/?html?" + "x".repeat(69));
            assertThat(summary.json()).contains("\"200 text/?html?xxx");
        }
    }

    @ParameterizedTest(name = "the body late: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = { false, true })
    void noWholeAnswerWithinTheTimeoutIsAFailure(boolean bodyLate) throws Exception {
        // Late headers, or headers in time and a body that is not.
        try (Receiver receiver = Receiver.answering((request) -> (request.attempt() > 1) ? Answer.json()
                : bodyLate ? Answer.json().bodyAfter(30_000) : Answer.json().after(30_000))) {
            SimulationSummary summary = IncodeSimulator.to(receiver.url()).body("onboarding-status", BODY, 1)
                .timeout(Duration.ofSeconds(3))
                .timeScale(1000)
                .build()
                .run();
            assertThat(summary.answers()).isEqualTo(Map.of("timeout", 1, "200", 1));
            assertThat(summary.succeededAfterRetries()).isEqualTo(1);
        }
    }

    @Test
    void aRefusedConnectionIsRetriedThenGivenUp() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SimulationSummary summary = IncodeSimulator.to(URI.create("http://127.0.0.1:" + closedPort))
            .body("onboarding-status", BODY, 2)
            .timeScale(1000)
            .build()
            .run();
        assertThat(summary.answers()).isEqualTo(Map.of("refused", 12));
        assertThat(summary.givenUp()).isEqualTo(2);
        assertThat(summary.text()).contains("given up                 2", "tries                    12 (refused: 12)");
    }

    @Test
    void customHeadersAndPathAreSentOnEveryTry() throws Exception {
        try (Receiver receiver = Receiver.answering(
                (request) -> (request.attempt() == 1) ? Answer.of(500, null) : Answer.noContent())) {
            IncodeSimulator simulator = IncodeSimulator.to(URI.create(receiver.url() + "/"))
                .path("/hooks/{type}/in")
                .header("X-Incode-Secret", "s3cret")
                .header("X-Tenant", "acme")
                .scenario(Scenario.INE, 1)
                .timeScale(1000)
                .build();
            simulator.run();
            assertThat(receiver.requests()).hasSize(4).allSatisfy((request) -> {
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.path()).isEqualTo("/hooks/ine-scraping/in");
                assertThat(request.header("X-Incode-Secret")).isEqualTo("s3cret");
                assertThat(request.header("X-Tenant")).isEqualTo("acme");
                assertThat(request.header("Content-Type")).isEqualTo("application/json");
            });
        }
    }

    @Test
    void oauth2ModeFetchesAClientCredentialsTokenOnceAndSendsItAsABearer() throws Exception {
        AtomicInteger tokens = new AtomicInteger();
        String basic = "Basic " + Base64.getEncoder().encodeToString("incode:p4ss".getBytes(StandardCharsets.UTF_8));
        try (Receiver tokenEndpoint = Receiver.answering((request) -> {
            boolean valid = request.header("Authorization").equals(basic)
                    && request.header("Content-Type").equals("application/x-www-form-urlencoded")
                    && request.body().equals("grant_type=client_credentials");
            if (!valid) {
                return Answer.of(401, "application/json");
            }
            return new Answer(200, "application/json",
                    "{\"access_token\":\"token-" + tokens.incrementAndGet() + "\",\"expires_in\":3600}", 0);
        }); Receiver receiver = Receiver.answering((request) -> "Bearer token-1".equals(request.header("Authorization"))
                ? Answer.noContent() : Answer.of(401, "application/json"))) {
            SimulationSummary summary = IncodeSimulator.to(receiver.url())
                .oauth2(URI.create(tokenEndpoint.url() + "/oauth/token"), "incode", "p4ss")
                .scenario(Scenario.ONBOARDING, 4)
                .rate(1000)
                .build()
                .run();
            assertThat(summary.succeededFirstTime()).isEqualTo(summary.sent()).isGreaterThan(4);
            assertThat(tokenEndpoint.requests()).hasSize(1);
        }
    }

    @Test
    void anExpiredTokenIsFetchedAgainAndARefusedTokenIsAFailedTry() throws Exception {
        AtomicInteger tokens = new AtomicInteger();
        try (Receiver tokenEndpoint = Receiver.answering((request) -> (tokens.incrementAndGet() == 1)
                ? Answer.of(401, "application/json")
                : new Answer(200, "application/json", "{\"access_token\":\"t" + tokens.get() + "\",\"expires_in\":0}", 0));
                Receiver receiver = Receiver.answering((request) -> request.header("Authorization").startsWith("Bearer t")
                        ? Answer.json() : Answer.of(401, null))) {
            IncodeSimulator simulator = IncodeSimulator.to(receiver.url())
                .oauth2(URI.create(tokenEndpoint.url() + "/token"), "incode", "p4ss")
                .body("onboarding-status", BODY, 3)
                .rate(5)
                .timeScale(1000)
                .build();
            SimulationSummary summary = simulator.run();
            assertThat(summary.answers()).containsEntry("token 401", 1).containsEntry("200", 3);
            assertThat(summary.givenUp()).isZero();
            assertThat(receiver.requests()).extracting((request) -> request.header("Authorization"))
                .as("a token that expires at once is fetched for every try")
                .doesNotHaveDuplicates();
        }
    }

    @Test
    void aTokenEndpointThatNeverFinishesItsAnswerFailsTheTriesAndTheRunEnds() throws Exception {
        try (Receiver tokenEndpoint = Receiver.answering(
                (request) -> new Answer(200, "application/json", "{\"access_token\":\"t\"}", 5_000, true));
                Receiver receiver = Receiver.answering((request) -> Answer.noContent())) {
            SimulationSummary summary = IncodeSimulator.to(receiver.url())
                .oauth2(URI.create(tokenEndpoint.url() + "/token"), "incode", "p4ss")
                .body("onboarding-status", BODY, 3)
                .rate(1000)
                .timeout(Duration.ofMillis(300))
                .timeScale(100_000)
                .build()
                .run();
            assertThat(summary.givenUp()).isEqualTo(3);
            assertThat(summary.answers()).isEqualTo(Map.of("token timeout", 18));
            assertThat(receiver.requests()).isEmpty();
            assertThat(tokenEndpoint.requests().size()).as("tries waiting at once share one token request")
                .isLessThan(18);
        }
    }

    @Test
    void aSimulatorRunsOnce() throws Exception {
        try (Receiver receiver = Receiver.answering((request) -> Answer.noContent())) {
            IncodeSimulator simulator = IncodeSimulator.to(receiver.url()).body("onboarding-status", BODY, 1).build();
            assertThat(simulator.run().tries()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(simulator::run);
        }
    }

    @Test
    void theOnboardingScenarioSendsEachSessionsStatusesInOrderInterleaved() {
        List<Notification> notifications = Scenario.ONBOARDING.notifications(100, new Random(7));
        assertThat(notifications).hasSize(500).allSatisfy((n) -> {
            assertThat(n.type()).isEqualTo("onboarding-status");
            assertThat(n.interviewId()).matches("[0-9a-f]{24}");
            assertThat(n.body()).startsWith("{\"interviewId\":\"" + n.interviewId() + "\",\"onboardingStatus\":\"")
                .contains("\"clientId\":\"acme\"", "\"flowId\":\"");
        });
        assertThat(notifications.stream().map(Notification::body)).doesNotHaveDuplicates();
        String first = notifications.get(0).interviewId();
        assertThat(notifications.get(1).interviewId()).isNotEqualTo(first);
        assertThat(notifications.stream().filter((n) -> n.interviewId().equals(first)).map(Notification::body))
            .extracting((body) -> body.replaceAll(".*\"onboardingStatus\":\"([A-Z_]+)\".*", "$1"))
            .containsExactly("ID_VALIDATION_FINISHED", "POST_PROCESSING_FINISHED", "FACE_VALIDATION_FINISHED",
                    "GOVERNMENT_VALIDATION_FINISHED", "ONBOARDING_FINISHED");
        assertThat(notifications).anySatisfy((n) -> assertThat(n.body()).contains("EXPIRED"))
            .anySatisfy((n) -> assertThat(n.body()).containsPattern("MANUAL_REVIEW_(APPROVED|REJECTED)"));
        assertThat(Scenario.ONBOARDING.notifications(100, new Random(7))).as("the same seed, the same run")
            .isEqualTo(notifications);
    }

    @Test
    void theIneScenarioSendsInProgressThenFinishedWithItsCapitalisedFields() {
        List<Notification> notifications = Scenario.INE.notifications(3, new Random(1));
        assertThat(notifications).hasSize(6).allSatisfy((n) -> {
            assertThat(n.type()).isEqualTo("ine-scraping");
            assertThat(n.body()).startsWith("{\"InterviewId\":\"" + n.interviewId() + "\",\"externalId\":\"crm-");
        });
        assertThat(notifications.subList(0, 3)).allSatisfy((n) -> assertThat(n.body()).endsWith("\"ScrapingStatus\":\"IN_PROGRESS\"}"));
        assertThat(notifications.subList(3, 6)).allSatisfy((n) -> assertThat(n.body()).endsWith("\"ScrapingStatus\":\"FINISHED\"}"));
        List<Notification> mixed = Scenario.MIXED.notifications(1, new Random(1));
        assertThat(mixed).extracting(Notification::type)
            .containsExactly("onboarding-status", "ine-scraping", "ine-scraping", "onboarding-status", "onboarding-status",
                    "onboarding-status", "onboarding-status");
    }

    @Test
    void aCustomBodyGetsEachInterviewsId() {
        List<Notification> notifications = Scenario.custom("videoselfie", "{\"interviewId\":\"{{interviewId}}\",\"x\":1}", 3,
                new Random(2));
        assertThat(notifications).hasSize(3)
            .allSatisfy((n) -> assertThat(n.body()).isEqualTo("{\"interviewId\":\"" + n.interviewId() + "\",\"x\":1}"));
        assertThat(notifications).extracting(Notification::type).containsOnly("videoselfie");
    }

    @Test
    void badSettingsAreRefusedWithAReason() {
        URI url = URI.create("http://127.0.0.1:1");
        assertThatIllegalArgumentException().isThrownBy(() -> IncodeSimulator.to(URI.create("ftp://x")))
            .withMessageContaining("http:// or https://");
        assertThatIllegalArgumentException().isThrownBy(() -> IncodeSimulator.to(url).build())
            .withMessageContaining("Nothing to send");
        assertThatIllegalArgumentException().isThrownBy(() -> IncodeSimulator.to(url).rate(0))
            .withMessageContaining("rate");
        assertThatIllegalArgumentException().isThrownBy(() -> IncodeSimulator.to(url).timeScale(0.5))
            .withMessageContaining("time scale");
        assertThatIllegalArgumentException().isThrownBy(() -> IncodeSimulator.to(url).scenario(Scenario.INE, 0))
            .withMessageContaining("interviews");
        assertThatIllegalArgumentException().isThrownBy(() -> IncodeSimulator.to(url).path("hooks"))
            .withMessageContaining("start with /");
        assertThat(IncodeSimulator.to(url).oauth2(url, "id", "p4ss").scenario(Scenario.INE, 1).build())
            .isNotNull();
        assertThat(new IncodeSimulator.OAuth2(url, "id", "p4ss").toString()).doesNotContain("p4ss");
        assertThatIllegalArgumentException().isThrownBy(() -> IncodeSimulator.to(URI.create("http://u:p4ss@127.0.0.1:1")))
            .withMessageNotContaining("p4ss");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> IncodeSimulator.to(url).header("Bad Name", "p4ss"))
            .withMessageNotContaining("p4ss")
            .withMessageNotContaining("Bad Name");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> IncodeSimulator.to(url).oauth2(url, "id", "s").header("authorization", "x")
                .scenario(Scenario.INE, 1)
                .build())
            .withMessageContaining("carries the token");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> IncodeSimulator.to(url).path("/in/{type}").body("a b", "{}", 1).build())
            .withMessageContaining("make no valid URL");
    }
}
