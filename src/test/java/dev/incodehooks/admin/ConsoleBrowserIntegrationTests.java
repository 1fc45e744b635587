package dev.incodehooks.admin;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.incodehooks.Eventually;
import dev.incodehooks.IncodeClient;
import dev.incodehooks.IncodePayloads;
import dev.incodehooks.TestConsumer;
import dev.incodehooks.TestConsumer.Received;
import dev.incodehooks.TestUsers;
import dev.incodehooks.inbox.InboxAdmin;
import dev.incodehooks.inbox.InboxAdmin.DeliveryView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser (headless Chromium), against a real HTTP consumer that fails an interview's
 * events until the test lets them through: an operator logs in with the keyboard, finds a dead delivery,
 * reveals its payload and replays it; a viewer sees neither action and a replay forged in their page is
 * refused; the page's console reports no error (a CSP violation would be one). Fields, links and buttons are
 * found by their label or text, as a person finds them. Screenshots: {@code target/screenshots/}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.server.port=0", TestUsers.VIEWER, TestUsers.VIEWER_ROLE, TestUsers.OPERATOR,
                TestUsers.OPERATOR_ROLE, "webhooks.security.allowed-sources=127.0.0.1/32" })
class ConsoleBrowserIntegrationTests {

    private static final String SINK = "crm";

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    /** Interviews whose events the consumer accepts; every other one is answered 500. */
    static final Set<String> healthy = ConcurrentHashMap.newKeySet();

    static final TestConsumer crm = TestConsumer.started(
            (request) -> healthy.stream().anyMatch(request.bodyText()::contains) ? 200 : 500);

    @LocalServerPort
    int port;

    @LocalManagementPort
    int management;

    @Autowired
    InboxAdmin admin;

    /** A sink that gives up after three quick attempts. */
    @DynamicPropertySource
    static void sinks(DynamicPropertyRegistry registry) {
        String prefix = "webhooks.broadcast.sinks." + SINK + ".";
        registry.add(prefix + "type", () -> "http");
        registry.add(prefix + "url", crm::url);
        registry.add(prefix + "timeout", () -> "30s");
        registry.add(prefix + "retry.initial-interval", () -> "50ms");
        registry.add(prefix + "retry.max-interval", () -> "100ms");
        registry.add(prefix + "retry.max-attempts", () -> 3);
    }

    @AfterAll
    static void stopConsumer() {
        crm.close();
    }

    @Test
    void anOperatorFindsADeadDeliveryRevealsItsPayloadAndReplaysIt() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        String eventId = deadEvent(interviewId);
        long deliveryId = delivery(eventId).id();
        WebDriver browser = chromium.browser();

        // Logs in with the keyboard only: the user name field has the focus, Tab to the password, Enter.
        browser.get(console("/"));
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        new WebDriverWait(browser, Duration.ofSeconds(30))
            .until((page) -> field("User name").equals(page.switchTo().activeElement()));
        browser.switchTo().activeElement().sendKeys("operator", Keys.TAB, TestUsers.OPERATOR_PASSWORD, Keys.ENTER);
        waitForTitle("Overview");
        assertThat(text(By.cssSelector(".who"))).contains("operator · operator");

        browser.findElement(By.linkText("Find events")).click();
        waitForTitle("Find events");
        field("Interview id").sendKeys(interviewId);
        button("Find").click();
        waitForUrl("interviewId=" + interviewId);
        WebElement row = browser.findElement(By.xpath("//tbody/tr[td[normalize-space()='" + interviewId + "']]"));
        assertThat(browser.findElements(By.cssSelector("tbody .event-link"))).hasSize(1);
        assertThat(row.getText()).contains("ONBOARDING_FINISHED", SINK + ": dead");
        row.findElement(By.cssSelector(".event-link")).click();

        waitForTitle("Event");
        assertThat(browser.getCurrentUrl()).endsWith("/events/" + eventId);
        WebElement delivery = deliveryTo(SINK);
        assertThat(delivery.findElement(By.cssSelector("h3 .state")).getText()).isEqualTo("dead");
        assertThat(delivery.findElement(By.cssSelector(".last-error")).getText()).isEqualTo("HTTP 500");
        assertThat(attempts(delivery)).containsExactly("1 failed HTTP 500", "2 failed HTTP 500", "3 dead HTTP 500");
        assertThat(browser.findElements(By.cssSelector("pre.payload"))).isEmpty();
        chromium.screenshot("event");

        button("Reveal payload").click();
        assertThat(new WebDriverWait(browser, Duration.ofSeconds(30))
            .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("pre.payload")))
            .getText()).contains("\"interviewId\":\"" + interviewId + "\"", "ONBOARDING_FINISHED");

        healthy.add(interviewId);
        button(deliveryTo(SINK), "Replay").click();
        assertThat(new WebDriverWait(browser, Duration.ofSeconds(30))
            .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=status]")))
            .getText()).isEqualTo("Replayed: 1 delivery due again from the first attempt.");
        assertThat(browser.getCurrentUrl()).contains("/events/" + eventId + "?");

        Eventually.until("the consumer accepts the replayed event", () -> !accepted(eventId).isEmpty());
        Eventually.until("the page shows the delivery delivered", () -> {
            browser.navigate().refresh();
            return "delivered".equals(deliveryTo(SINK).findElement(By.cssSelector("h3 .state")).getText());
        });
        assertThat(accepted(eventId)).hasSize(1);
        // The attempts before the replay are kept, and numbered on.
        assertThat(attempts(deliveryTo(SINK))).containsExactly("1 failed HTTP 500", "2 failed HTTP 500",
                "3 dead HTTP 500", "4 delivered");
        assertThat(browser.findElements(By.cssSelector(".last-error"))).isEmpty();
        chromium.screenshot("event-delivered");

        browser.findElement(By.linkText("Overview")).click();
        waitForTitle("Overview");
        List<String> actions = rows(section("Last actions"));
        assertThat(actions)
            .anySatisfy((action) -> assertThat(action).endsWith(" operator replay delivery " + deliveryId + " 1"))
            .anySatisfy((action) -> assertThat(action).endsWith(" operator reveal-payload event " + eventId + " 1"));
        assertThat(rows(section("Sinks"))).anySatisfy((sink) -> assertThat(sink).startsWith(SINK + " 0 0 0 "));
        chromium.screenshot("overview");
        assertThat(chromium.problems()).as("errors in the page's console").isEmpty();
    }

    @Test
    void aViewerSeesNoActionAndAForgedReplayIsRefused() throws Exception {
        String interviewId = IncodePayloads.interviewId();
        String eventId = deadEvent(interviewId);
        DeliveryView dead = delivery(eventId);
        List<InboxAdmin.AuditEntry> audit = this.admin.audit(100);
        int requests = requests(eventId);
        WebDriver browser = chromium.browser();

        browser.get(console("/login"));
        field("User name").sendKeys("viewer");
        field("Password").sendKeys(TestUsers.VIEWER_PASSWORD);
        button("Log in").click();
        waitForTitle("Overview");
        assertThat(text(By.cssSelector(".who"))).contains("viewer · viewer");

        // Searches with the keyboard: Enter in the field submits the form.
        browser.findElement(By.linkText("Find events")).click();
        waitForTitle("Find events");
        field("Interview id").sendKeys(interviewId, Keys.ENTER);
        waitForUrl("interviewId=" + interviewId);
        browser.findElement(By.xpath("//tbody/tr[td[normalize-space()='" + interviewId + "']]//a")).click();
        waitForTitle("Event");

        WebElement delivery = deliveryTo(SINK);
        assertThat(delivery.findElement(By.cssSelector(".last-error")).getText()).isEqualTo("HTTP 500");
        assertThat(attempts(delivery)).hasSize(3);
        assertThat(browser.findElements(By.tagName("button"))).extracting(WebElement::getText)
            .containsExactly("Log out");
        assertThat(browser.findElements(By.cssSelector(".replay, button.skip, pre.payload"))).isEmpty();
        assertThat(browser.findElement(By.tagName("main")).getText())
            .contains("Hidden: it holds personal data.")
            .doesNotContain("Reveal payload");
        chromium.screenshot("viewer-event");
        assertThat(chromium.problems()).as("errors in the page's console").isEmpty();

        // A replay form made up in the viewer's own page, with the viewer's own valid CSRF token (the log-out
        // form's): refused for the role, not for a missing token.
        ((JavascriptExecutor) browser).executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = '/deliveries/' + arguments[0] + '/replay';
                form.appendChild(document.querySelector('input[name=_csrf]').cloneNode());
                document.body.appendChild(form);
                form.submit();
                """, dead.id());
        waitForUrl("/deliveries/" + dead.id() + "/replay");
        assertThat(((JavascriptExecutor) browser)
            .executeScript("return performance.getEntriesByType('navigation')[0].responseStatus"))
            .isEqualTo(403L);
        assertThat(delivery(eventId)).isEqualTo(dead);
        assertThat(this.admin.audit(100)).isEqualTo(audit);
        assertThat(requests(eventId)).isEqualTo(requests);
    }

    /** Sends an event for the interview and waits until its delivery to the failing consumer is dead. */
    private String deadEvent(String interviewId) throws InterruptedException {
        assertThat(IncodeClient.to(this.port).onboarding(interviewId, "ONBOARDING_FINISHED")).isEqualTo(200);
        String eventId = this.admin.events(interviewId, null, null, 1).get(0).id();
        Eventually.until("dead", () -> "dead".equals(delivery(eventId).state()));
        return eventId;
    }

    private DeliveryView delivery(String eventId) {
        return this.admin.event(eventId).orElseThrow().deliveries().stream()
            .map(InboxAdmin.DeliveryDetail::delivery)
            .filter((delivery) -> delivery.sink().equals(SINK))
            .findFirst()
            .orElseThrow();
    }

    private static List<Received> accepted(String eventId) {
        return crm.accepted().stream().filter((request) -> eventId.equals(request.webhookId())).toList();
    }

    private static int requests(String eventId) {
        return (int) crm.all().stream().filter((request) -> eventId.equals(request.webhookId())).count();
    }

    private String console(String path) {
        return "http://127.0.0.1:" + this.management + path;
    }

    private static void waitForTitle(String title) {
        new WebDriverWait(chromium.browser(), Duration.ofSeconds(30))
            .until(ExpectedConditions.titleIs(title + " · Incode webhooks"));
    }

    private static void waitForUrl(String part) {
        new WebDriverWait(chromium.browser(), Duration.ofSeconds(30)).until(ExpectedConditions.urlContains(part));
    }

    /** The input a label names, as a person finds it. */
    private static WebElement field(String label) {
        WebDriver browser = chromium.browser();
        String id = browser.findElement(By.xpath("//label[normalize-space()='" + label + "']")).getDomAttribute("for");
        return browser.findElement(By.id(id));
    }

    private static WebElement button(String text) {
        return button(chromium.browser(), text);
    }

    private static WebElement button(SearchContext within, String text) {
        return within.findElement(By.xpath(".//button[normalize-space()='" + text + "']"));
    }

    private static WebElement deliveryTo(String sink) {
        return chromium.browser().findElement(By.cssSelector("article[aria-label='Delivery to " + sink + "']"));
    }

    /** A page section by its heading. */
    private static WebElement section(String heading) {
        return chromium.browser().findElement(By.xpath("//section[h2[normalize-space()='" + heading + "']]"));
    }

    /** A delivery's attempts, each as "number outcome error" (its times left out). */
    private static List<String> attempts(WebElement delivery) {
        return delivery.findElements(By.cssSelector("tbody tr")).stream().map((row) -> {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            return (cells.get(0).getText() + " " + cells.get(3).getText() + " " + cells.get(4).getText()).strip();
        }).toList();
    }

    /** The body rows of the tables within, each as its cells' texts joined by a space. */
    private static List<String> rows(WebElement within) {
        return within.findElements(By.cssSelector("tbody tr")).stream()
            .map((row) -> String.join(" ", row.findElements(By.cssSelector("th, td")).stream()
                .map(WebElement::getText)
                .filter((cell) -> !cell.isBlank())
                .toList()))
            .toList();
    }

    private static String text(By locator) {
        return chromium.browser().findElement(locator).getText();
    }
}
