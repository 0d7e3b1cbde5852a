package dev.flywheel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The console as the gateway serves it, in headless Chromium: the app starts under its strict policy (its own
 * scripts only) on any path under /console, and its sign-in form is there. Screenshot: target/screenshots.
 */
@ExtendWith(Platform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleE2ETest {

    WebDriver browser;

    @BeforeAll
    void start() throws Exception {
        browser = Chromium.driver();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theConsoleStartsUnderItsPolicyOnAnyOfItsPaths() throws Exception {
        browser.get(Platform.gatewayUrl() + "/console/projects/demo/flags");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (browser.findElements(By.cssSelector("form.sign-in h1")).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the console did not start: " + browser.getPageSource());
            Thread.sleep(100);
        }
        assertEquals("Sign in", browser.findElement(By.cssSelector("form.sign-in h1")).getText());
        assertTrue(browser.findElement(By.cssSelector("input[type=email]")).isDisplayed());
        // the app's script ran, and nothing was refused by the page's policy
        assertEquals(0L, ((JavascriptExecutor) browser).executeScript(
                "return performance.getEntriesByType('resource').filter(function (r) {"
                        + " return r.name.indexOf(location.origin) !== 0; }).length"));
        Chromium.screenshot(browser, "console-sign-in");
    }
}
