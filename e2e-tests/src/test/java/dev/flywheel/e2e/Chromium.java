package dev.flywheel.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium for browser tests, installed with apt-get when this machine lacks it (a fresh machine
 * does): the binary for {@code --dump-dom} runs, and a WebDriver session through Debian's chromedriver.
 */
final class Chromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go: kept with the build's other reports. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private Chromium() {
    }

    /** The Chromium binary, installed first if missing. */
    static String binary() throws IOException, InterruptedException {
        install();
        return BINARY.toString();
    }

    /** A new headless browser with an empty profile; quit it when done. */
    static WebDriver driver() throws IOException, InterruptedException {
        install();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        // without the background-networking switches Chromium keeps dialling Google, which this network refuses
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory("flywheel-chromium-"));
        // the page's console, for a failing test to show what the page said
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return driver;
    }

    /** Keeps what the page looks like now as target/screenshots/{name}.png. */
    static Path screenshot(WebDriver driver, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path kept = SCREENSHOTS.resolve(name + ".png");
        Files.copy(shot.toPath(), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return kept;
    }

    private static synchronized void install() throws IOException, InterruptedException {
        if (Files.isExecutable(BINARY) && Files.isExecutable(DRIVER)) {
            return;
        }
        Process install = new ProcessBuilder("sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
                + "chromium chromium-driver || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
                + "apt-get install -y -qq chromium chromium-driver)").inheritIO().start();
        assertTrue(install.waitFor(10, TimeUnit.MINUTES) && install.exitValue() == 0,
                "could not install chromium and chromium-driver (apt-get install chromium chromium-driver)");
    }
}
