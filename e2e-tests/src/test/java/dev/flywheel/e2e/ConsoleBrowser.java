package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Headless Chromium on the console, driven the way a person uses it: by the labels they read (fields, buttons,
 * links), waiting for what the page shows; with the ways in (an invitation, sign-in, sign-out), screenshots and an
 * axe-core check.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    final WebDriver driver;

    ConsoleBrowser() throws IOException, InterruptedException {
        driver = Chromium.driver();
    }

    @Override
    public void close() {
        driver.quit();
    }

    void open(String path) {
        driver.get(Platform.gatewayUrl() + path);
    }

    /** A person joins a project through an invitation the operator issues; they end up signed in. */
    void joinAs(String project, String email, String role, String name, String password) {
        String link = Tenants.asOperator().body(java.util.Map.of("email", email, "role", role))
                .when().post("/api/v1/projects/" + project + "/invitations")
                .then().statusCode(201).extract().path("path");
        driver.get(Platform.gatewayUrl() + link);
        await(By.id("join-title"));
        type("Your name", name);
        type("Choose a password", password);
        click("Join");
        await(By.cssSelector("nav.side"));
    }

    void signIn(String email, String password) {
        open("/console/");
        await(By.id("sign-in-title"));
        type("Email", email);
        type("Password", password);
        click("Sign in");
        await(By.cssSelector("nav.side"));
    }

    void signOut() {
        click("Sign out");
        await(By.id("sign-in-title"));
    }

    Path screenshot(String name) throws IOException {
        return Chromium.screenshot(driver, name);
    }

    void assertNoSeriousAccessibilityViolations(String page) throws IOException {
        if (js("return typeof axe").equals("undefined")) {
            js(Files.readString(Platform.root().resolve("console/node_modules/axe-core/axe.min.js")));
        }
        Object found = ((JavascriptExecutor) driver).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
                        + " done(JSON.stringify(r.violations.filter(function (v) {"
                        + "  return v.impact === 'serious' || v.impact === 'critical'; }).map(function (v) {"
                        + "  return v.id + ': ' + v.help + ' ' + v.nodes.map(function (n) { return n.target; })"
                        + "   .join(' | '); }))); });");
        assertEquals("[]", found, "serious accessibility violations on the " + page + " page");
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The input, select or textarea whose label starts with this text. */
    WebElement field(String label) {
        return await(By.xpath("//label[starts-with(normalize-space(.), '" + label + "')]//*[self::input or "
                + "self::select or self::textarea]"));
    }

    void type(String label, String text) {
        field(label).sendKeys(Keys.chord(Keys.CONTROL, "a"), text);
    }

    void setNumber(String ariaLabel, String value) {
        await(By.cssSelector("input[aria-label='" + ariaLabel + "']")).sendKeys(Keys.chord(Keys.CONTROL, "a"), value);
    }

    void select(String label, String option) {
        field(label).findElement(By.xpath(".//option[normalize-space(.)='" + option + "' or starts-with("
                + "normalize-space(.), '" + option + " ')]")).click();
    }

    void click(String button) {
        await(By.xpath("//button[normalize-space(.)='" + button + "' and not(@disabled)]")).click();
    }

    void follow(String link) {
        await(By.linkText(link)).click();
    }

    WebElement await(By locator) {
        return waitFor(() -> driver.findElements(locator).stream().filter(WebElement::isDisplayed).findFirst()
                .orElse(null), locator.toString());
    }

    WebElement awaitText(By locator, String text) {
        return waitFor(() -> driver.findElements(locator).stream().filter(e -> e.getText().contains(text))
                .findFirst().orElse(null), locator + " containing '" + text + "'");
    }

    <T> T waitFor(Supplier<T> probe, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T found;
            try {
                found = probe.get();
            } catch (StaleElementReferenceException changing) {
                found = null;
            }
            if (found != null) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + " on "
                        + driver.getCurrentUrl() + ": " + driver.findElement(By.tagName("body")).getText()
                        + "\nthe page's console: " + consoleLog());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** What the page wrote to its console (errors first of all). */
    String consoleLog() {
        try {
            return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                    .map(entry -> entry.getLevel() + " " + entry.getMessage())
                    .collect(java.util.stream.Collectors.joining("\n"));
        } catch (RuntimeException unavailable) {
            return "(unavailable: " + unavailable.getMessage() + ")";
        }
    }

    /** A REST call as a signed-in person of this browser would make it (its session cookie). */
    io.restassured.specification.RequestSpecification asThisSession() {
        return given().baseUri(Platform.gatewayUrl()).cookie("fw_session",
                driver.manage().getCookieNamed("fw_session").getValue());
    }
}
