package dev.incodehooks.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium for the console tests, from Debian's {@code chromium} and {@code chromium-driver}: a
 * fresh driver and browser (own profile, no cookies) for each test, screenshots under
 * {@code target/screenshots/} (and one of the last page when a test fails). Both paths are given to
 * Selenium, so Selenium Manager never runs: it would try to download a driver. Without the packages the
 * tests are skipped, not failed, saying how to run them. Register it as a static {@code @RegisterExtension}.
 */
final class Chromium implements TestInstancePreConstructCallback, BeforeEachCallback, AfterEachCallback {

    static final Path BINARY = Path.of("/usr/bin/chromium");

    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** A screenshot's height at most, in CSS pixels. */
    private static final int MAX_HEIGHT = 4000;

    private ChromeDriver browser;

    private boolean toldWhyMissing;

    /**
     * Skips each test before its instance is made: before the Spring context starts, and reported per test
     * (an assumption that fails before all tests would leave no trace in the test reports).
     */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factory, ExtensionContext context)
            throws IOException {
        List<Path> missing = Stream.of(BINARY, DRIVER).filter((path) -> !Files.isExecutable(path)).toList();
        if (!missing.isEmpty() && !this.toldWhyMissing) {
            // The reason is otherwise only in the test reports: the build's output just counts skipped tests.
            System.err.println(skipped(missing, context));
            this.toldWhyMissing = true;
        }
        Assumptions.assumeTrue(missing.isEmpty(), () -> skipped(missing, context));
        Files.createDirectories(SCREENSHOTS);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Files.deleteIfExists(SCREENSHOTS.resolve(failedShot(context) + ".png"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                // Nothing of the browser's own talks to the network: no updates, sync or suggestions.
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-sync", "--disable-extensions");
        // The page's console (errors, CSP violations) for problems().
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, Level.ALL.getName()));
        // Its own driver process: quitting the browser stops it.
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withLogOutput(OutputStream.nullOutputStream())
            .build();
        this.browser = new ChromeDriver(driver, options);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (this.browser == null) {
            return;
        }
        try {
            if (context.getExecutionException().isPresent()) {
                screenshot(failedShot(context));
            }
        }
        finally {
            this.browser.quit();
            this.browser = null;
        }
    }

    private static String skipped(List<Path> missing, ExtensionContext context) {
        return "Skipped, " + missing.stream().map(Path::toString).collect(Collectors.joining(" and ")) + " missing: "
                + "the console's browser tests need Debian's chromium and chromium-driver. Install them with "
                + "apt-get install chromium chromium-driver, then run ./mvnw verify (or only these: "
                + "./mvnw surefire:test@default-test -Dtest=" + context.getRequiredTestClass().getSimpleName() + ")";
    }

    /** A failed test's last page; an earlier run's is removed as the test starts again. */
    private static String failedShot(ExtensionContext context) {
        return "failed-" + context.getRequiredTestMethod().getName();
    }

    ChromeDriver browser() {
        return this.browser;
    }

    /**
     * Saves the whole page, also below the window's fold, as {@code target/screenshots/<name>.png}: Chrome's
     * own full-page capture, which resizing a headless window does not give reliably.
     */
    Path screenshot(String name) {
        Map<String, Object> layout = this.browser.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<?, ?> size = (Map<?, ?>) layout.get("cssContentSize");
        double width = ((Number) size.get("width")).doubleValue();
        double height = Math.min(MAX_HEIGHT, ((Number) size.get("height")).doubleValue());
        Map<String, Object> shot = this.browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Path file = SCREENSHOTS.resolve(name + ".png");
        try {
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return file;
    }

    /**
     * What the page's console reported as errors since the last call (a refused script, style or connection
     * under the CSP is one), as its messages.
     */
    List<String> problems() {
        return this.browser.manage()
            .logs()
            .get(LogType.BROWSER)
            .getAll()
            .stream()
            .filter((entry) -> entry.getLevel().intValue() >= Level.WARNING.intValue())
            .map(LogEntry::getMessage)
            .toList();
    }
}
