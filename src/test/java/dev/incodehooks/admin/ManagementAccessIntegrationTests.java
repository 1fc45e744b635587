package dev.incodehooks.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.TestUsers;
import dev.incodehooks.inbox.InboxAdmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Who gets what on the management port, through the real port: anonymous callers get health and Prometheus
 * only; a viewer reads; an operator also changes, and is named in the audit trail. The JSON API takes HTTP
 * Basic; the console a form login and a CSRF token on every change. The public port serves none of it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", TestUsers.VIEWER, TestUsers.VIEWER_ROLE, TestUsers.OPERATOR,
                TestUsers.OPERATOR_ROLE, "webhooks.security.allowed-sources=127.0.0.1/32",
                "webhooks.broadcast.sinks.log.type=log",
                // A user of its own for the lock-out test, so that locking it out locks out no other test.
                "webhooks.admin.users.guesser.password={bcrypt}$2a$04$3vHD8wvLEvOo59K2ZsS6.e.tPau5.FDQCcnxOBTPj/hl4ZZTd4nJa",
                "webhooks.admin.users.guesser.role=viewer",
                // An endpoint exposed later by someone: it is not for viewers.
                "management.endpoints.web.exposure.include=health,info,prometheus,webhooks,loggers" })
@ExtendWith(OutputCaptureExtension.class)
class ManagementAccessIntegrationTests {

    private static final List<String> OPEN = List.of("/actuator/health", "/actuator/health/liveness",
            "/actuator/health/readiness", "/actuator/prometheus");

    private static final List<String> API_READS = List.of("/actuator/webhooks", "/actuator/webhooks/events",
            "/actuator/webhooks/deliveries", "/actuator/info", "/actuator");

    private static final List<String> API_CHANGES = List.of("/actuator/webhooks/replay", "/actuator/webhooks/skip",
            "/actuator/webhooks/drop");

    private static final List<String> CONSOLE_PAGES = List.of("/", "/events", "/events?interviewId=x", "/dead");

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int management;

    @Autowired
    InboxAdmin admin;

    @Test
    void anonymousCallersGetHealthAndPrometheusOnly() throws Exception {
        List<InboxAdmin.AuditEntry> audit = this.admin.audit(100);
        for (String path : OPEN) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(200);
        }
        for (String path : API_READS) {
            HttpResponse<String> answer = get(path, null);
            assertThat(answer.statusCode()).as(path).isEqualTo(401);
            assertThat(answer.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(
                    (challenge) -> assertThat(challenge).startsWith("Basic"));
            assertThat(answer.body()).as(path).doesNotContain("interviewId", "unconfiguredSinks");
        }
        for (String path : API_CHANGES) {
            assertThat(post(path, "{\"deliveryId\":1}", null).statusCode()).as(path).isEqualTo(401);
        }
        ConsoleSession anonymous = ConsoleSession.anonymous(this.management);
        for (String path : CONSOLE_PAGES) {
            HttpResponse<String> answer = anonymous.get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location")).as(path).hasValueSatisfying(
                    (location) -> assertThat(location).endsWith("/login"));
        }
        assertThat(anonymous.post("/deliveries/1/replay", Map.of(), anonymous.csrf("/login")).statusCode())
            .isEqualTo(302);
        assertThat(this.admin.audit(100)).isEqualTo(audit);
    }

    @Test
    void wrongCredentialsAreRefused() throws Exception {
        assertThat(get("/actuator/webhooks", TestUsers.basic("operator", "wrong")).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/webhooks", TestUsers.basic("nobody", "operator-password")).statusCode()).isEqualTo(401);
        ConsoleSession session = ConsoleSession.anonymous(this.management);
        HttpResponse<String> answer = session.post("/login", Map.of("username", "operator", "password", "wrong"),
                session.csrf("/login"));
        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(
                (location) -> assertThat(location).endsWith("/login?error"));
        assertThat(session.get("/").statusCode()).isEqualTo(302);
    }

    @Test
    void aViewerReadsAndChangesNothing() throws Exception {
        List<InboxAdmin.AuditEntry> audit = this.admin.audit(100);
        for (String path : API_READS) {
            assertThat(get(path, TestUsers.viewer()).statusCode()).as(path).isEqualTo(200);
        }
        for (String path : API_CHANGES) {
            assertThat(post(path, "{\"deliveryId\":1}", TestUsers.viewer()).statusCode()).as(path).isEqualTo(403);
        }
        assertThat(get("/actuator/loggers", TestUsers.viewer()).statusCode()).isEqualTo(403);
        assertThat(post("/actuator/loggers/dev.incodehooks", "{\"configuredLevel\":\"DEBUG\"}", TestUsers.viewer())
            .statusCode()).isEqualTo(403);
        assertThat(get("/actuator/loggers", TestUsers.operator()).statusCode()).isEqualTo(200);
        ConsoleSession viewer = ConsoleSession.login(this.management, "viewer", TestUsers.VIEWER_PASSWORD);
        for (String path : CONSOLE_PAGES) {
            assertThat(viewer.get(path).statusCode()).as(path).isEqualTo(200);
        }
        String csrf = viewer.csrf("/");
        assertThat(viewer.post("/deliveries/1/replay", Map.of(), csrf).statusCode()).isEqualTo(403);
        assertThat(viewer.post("/deliveries/1/skip", Map.of(), csrf).statusCode()).isEqualTo(403);
        assertThat(viewer.post("/dead/replay", Map.of("sink", "log"), csrf).statusCode()).isEqualTo(403);
        assertThat(this.admin.audit(100)).isEqualTo(audit);
    }

    @Test
    void anOperatorChangesAndIsNamedInTheAuditTrail() throws Exception {
        for (String path : API_READS) {
            assertThat(get(path, TestUsers.operator()).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(post("/actuator/webhooks/skip", "{\"deliveryId\":999999}", TestUsers.operator()).body())
            .contains("\"skipped\":0");
        assertThat(post("/actuator/webhooks/drop", "{\"sink\":\"log\"}", TestUsers.operator()).statusCode())
            .as("a configured sink").isEqualTo(400);
        int before = this.admin.audit(100).size();
        HttpResponse<String> replay = post("/actuator/webhooks/replay", "{\"sink\":\"log\"}", TestUsers.operator());
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).contains("\"replayed\":0");

        ConsoleSession operator = ConsoleSession.login(this.management, "operator", TestUsers.OPERATOR_PASSWORD);
        assertThat(operator.post("/dead/replay", Map.of("sink", "log"), null).statusCode())
            .as("no CSRF token").isEqualTo(403);
        assertThat(operator.post("/dead/replay", Map.of("sink", "log"), "forged").statusCode())
            .as("a forged CSRF token").isEqualTo(403);
        HttpResponse<String> replayAll = operator.submit("/dead/replay?sink=log", "/dead/replay", Map.of("sink", "log"));
        assertThat(replayAll.statusCode()).isEqualTo(303);
        assertThat(replayAll.headers().firstValue("Location")).hasValueSatisfying(
                (location) -> assertThat(location).contains("/dead?sink=log&done=replayed&n=0"));

        List<InboxAdmin.AuditEntry> audit = this.admin.audit(100);
        assertThat(audit).hasSize(before + 2);
        assertThat(audit.subList(0, 2)).extracting(InboxAdmin.AuditEntry::actor, InboxAdmin.AuditEntry::action,
                InboxAdmin.AuditEntry::target)
            .containsOnly(tuple("operator", "replay", "sink log"));
    }

    @Test
    void onlyAnOperatorRevealsAPayloadAndTheRevealIsAudited(CapturedOutput output) throws Exception {
        String interviewId = IncodePayloads.interviewId();
        assertThat(IncodeClient.to(this.port).onboarding(interviewId, "ONBOARDING_FINISHED")).isEqualTo(200);
        String eventId = this.admin.find(new InboxAdmin.Criteria(interviewId, null, null, null, null), null, 10)
            .items().get(0).id();
        ConsoleSession viewer = ConsoleSession.login(this.management, "viewer", TestUsers.VIEWER_PASSWORD);
        assertThat(viewer.post("/events/" + eventId + "/payload", Map.of(), viewer.csrf("/")).statusCode())
            .isEqualTo(403);
        ConsoleSession operator = ConsoleSession.login(this.management, "operator", TestUsers.OPERATOR_PASSWORD);
        assertThat(operator.get("/events/" + eventId).body()).contains("Reveal payload").doesNotContain("clientId");
        HttpResponse<String> revealed = operator.submit("/events/" + eventId, "/events/" + eventId + "/payload",
                Map.of());
        assertThat(revealed.statusCode()).isEqualTo(200);
        assertThat(revealed.body()).contains("&quot;interviewId&quot;:&quot;" + interviewId);
        assertThat(output).contains("Admin action reveal-payload by operator: event " + eventId + " affected=1");
        assertThat(this.admin.audit(1)).singleElement().satisfies((entry) -> {
            assertThat(entry.actor()).isEqualTo("operator");
            assertThat(entry.action()).isEqualTo("reveal-payload");
            assertThat(entry.target()).isEqualTo("event " + eventId);
        });
    }

    @Test
    void badTargetsAreRefusedBeforeAnythingIsAuditedOrLogged(CapturedOutput output) throws Exception {
        List<InboxAdmin.AuditEntry> audit = this.admin.audit(100);
        String forged = "nope replayed=0\nWARN Admin action replay by alice: sink crm replayed=1200";
        HttpResponse<String> replay = post("/actuator/webhooks/replay",
                "{\"eventId\":\"" + forged.replace("\n", "\\n") + "\"}", TestUsers.operator());
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("An event id is a UUID");
        assertThat(post("/actuator/webhooks/drop", "{\"sink\":\"old\\nWARN forged\"}", TestUsers.operator()).statusCode())
            .isEqualTo(400);
        assertThat(output).doesNotContain("alice", "forged");
        ConsoleSession operator = ConsoleSession.login(this.management, "operator", TestUsers.OPERATOR_PASSWORD);
        String csrf = operator.csrf("/");
        for (String path : List.of("/deliveries/abc/replay", "/deliveries/99999999999999999999/skip")) {
            HttpResponse<String> answer = operator.post(path, Map.of(), csrf);
            assertThat(answer.statusCode()).as(path).isEqualTo(400);
            assertThat(answer.body()).as(path).contains("A delivery id is a number");
        }
        for (String search : List.of("from=-999999999-01-01T00:00", "to=%2B999999999-12-31T23:59:59Z", "from=yesterday")) {
            assertThat(operator.get("/events?" + search).statusCode()).as(search).isEqualTo(400);
        }
        assertThat(this.admin.audit(100)).isEqualTo(audit);
    }

    @Test
    void repeatedWrongPasswordsLockAUserOutForAWhileAndAreLogged(CapturedOutput output) throws Exception {
        for (int i = 0; i < LoginAttempts.MAX_FAILURES; i++) {
            assertThat(get("/actuator/webhooks", TestUsers.basic("guesser", "guess-" + i)).statusCode()).isEqualTo(401);
        }
        assertThat(get("/actuator/webhooks", TestUsers.basic("guesser", TestUsers.VIEWER_PASSWORD)).statusCode())
            .as("the right password, while locked out").isEqualTo(401);
        assertThat(get("/actuator/webhooks", TestUsers.viewer()).statusCode()).as("another user").isEqualTo(200);
        assertThat(output).contains("Management login failed for guesser from 127.0.0.1: BadCredentialsException",
                "Management login failed for guesser from 127.0.0.1: LockedException");
        assertThat(output).doesNotContain("guess-");
    }

    @Test
    void theConsoleRedirectsWithinItselfAndItsSessionStaysOnThisSite() throws Exception {
        HttpResponse<String> anonymous = this.http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + this.management + "/events"))
            .header("X-Forwarded-Host", "evil.example")
            .build(), BodyHandlers.ofString());
        assertThat(anonymous.headers().firstValue("Location")).hasValue("/login");
        HttpResponse<String> login = this.http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + this.management + "/login")).build(), BodyHandlers.ofString());
        assertThat(login.headers().allValues("Set-Cookie")).anySatisfy((cookie) ->
                assertThat(cookie).contains("JSESSIONID", "HttpOnly", "SameSite=Strict"));
    }

    @Test
    void theConsoleSendsAStrictContentSecurityPolicy() throws Exception {
        ConsoleSession operator = ConsoleSession.login(this.management, "operator", TestUsers.OPERATOR_PASSWORD);
        for (String path : List.of("/login", "/", "/events", "/dead")) {
            HttpResponse<String> page = (path.equals("/login") ? ConsoleSession.anonymous(this.management) : operator)
                .get(path);
            assertThat(page.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying((csp) -> {
                assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
                        "frame-ancestors 'none'");
                assertThat(csp).doesNotContain("unsafe-inline", "unsafe-eval");
            });
            assertThat(page.body()).as(path).doesNotContain("<script>", " style=\"", "http://", "https://");
        }
    }

    @Test
    void everyPageRendersAnEventAndItsDeliveries() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        assertThat(IncodeClient.to(this.port).onboarding(interviewId, "ONBOARDING_FINISHED")).isEqualTo(200);
        ConsoleSession viewer = ConsoleSession.login(this.management, "viewer", TestUsers.VIEWER_PASSWORD);
        HttpResponse<String> found = viewer.get("/events?interviewId=" + interviewId);
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.body()).contains(interviewId, "ONBOARDING_FINISHED");
        String eventId = this.admin.find(new InboxAdmin.Criteria(interviewId, null, null, null, null), null, 10)
            .items().get(0).id();
        HttpResponse<String> event = viewer.get("/events/" + eventId);
        assertThat(event.statusCode()).isEqualTo(200);
        assertThat(event.body()).contains(interviewId, "127.0.0.1", "log").doesNotContain("Reveal payload");
        assertThat(viewer.get("/events/not-an-event").statusCode()).isEqualTo(404);
        assertThat(viewer.get("/events?from=yesterday").statusCode()).isEqualTo(400);
        assertThat(viewer.get("/").body()).contains("Overview", "log", "accepted");
    }

    @Test
    void thePublicPortServesNoneOfIt() throws Exception {
        for (String path : List.of("/", "/login", "/events", "/dead", "/assets/console.css", "/actuator/health",
                "/actuator/webhooks")) {
            HttpResponse<String> answer = this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
                .header("Authorization", TestUsers.operator())
                .build(), BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
        }
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.management + path))
            .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return this.http.send(request.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.management + path))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return this.http.send(request.build(), BodyHandlers.ofString());
    }
}
