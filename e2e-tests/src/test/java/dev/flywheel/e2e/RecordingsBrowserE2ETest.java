package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.restassured.specification.RequestSpecification;

/**
 * A recorded session in real Chromium against the live platform: a sign-up form where a visitor types a password and
 * a name, clicks (three times fast on one button), scrolls, loses the network for a while and goes on to a second
 * page. The stored bytes never hold what was typed; no chunk is lost to the outage; the replay plays in Chromium
 * with rrweb's player and shows the page; the heatmap counts the clicks per element; erasing the person removes
 * the recording, its bytes and the heatmap points.
 */
@ExtendWith(Platform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingsBrowserE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "correct-horse-battery-9";
    static final String NAME = "Zebulon Quigley-Secret";
    static final String MASKED_TEXT = "Account 5512-7781";

    String project;
    String admin;
    String clientKey;
    String origin;
    String scriptUrl;
    String integrity;
    HttpServer site;
    WebDriver browser;

    @BeforeAll
    void setUp() throws Exception {
        project = Tenants.project("recordings-browser");
        admin = Tenants.key(project, "admin", null);
        clientKey = Tenants.key(project, "client", "production");
        String version = JSON.readTree(Platform.root().resolve("sdks/browser/package.json").toFile()).get("version")
                .asText();
        scriptUrl = Platform.gatewayUrl() + "/sdk/browser/v" + version + "/flywheel.min.js";
        integrity = JSON.readTree(given().when().get(scriptUrl + ".json").then().statusCode(200).extract().asString())
                .get("integrity").asText();
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/signup.html",
                exchange -> Pages.send(exchange, "text/html; charset=utf-8", page(SIGNUP), null));
        site.createContext("/thanks.html",
                exchange -> Pages.send(exchange, "text/html; charset=utf-8", page(THANKS), null));
        site.createContext("/replay.html",
                exchange -> Pages.send(exchange, "text/html; charset=utf-8", REPLAY_PAGE, null));
        site.createContext("/replay.js", exchange -> Pages.send(exchange, "text/javascript", Files.readString(
                Platform.root().resolve("sdks/browser/target/e2e/replay.js")), null));
        site.start();
        origin = "http://127.0.0.1:" + site.getAddress().getPort();
        Tenants.asOperator().body(Map.of("corsOrigins", List.of(origin)))
                .when().patch("/api/v1/projects/" + project).then().statusCode(200);
        browser = Chromium.driver();
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        if (site != null) {
            site.stop(0);
        }
    }

    @Test
    void aRecordedSessionKeepsNoSecretLosesNoChunkReplaysAndFeedsTheHeatmap() throws Exception {
        String base = "/api/v1/projects/" + project + "/environments/production";
        browser.get(origin + "/signup.html");
        Pages.await(() -> script("return window.flywheel && !Array.isArray(window.flywheel) ? true : null"),
                Duration.ofSeconds(20), "the SDK to load");
        String visitor = (String) script("return flywheel.anonymousId()");
        Pages.await(() -> script("return sessionStorage.getItem('fw_rec_" + suffix() + "') ? true : null"),
                Duration.ofSeconds(20), "the first chunk");

        // about 30 seconds of a visitor: typing secrets, clicking, scrolling
        browser.findElement(By.id("name")).sendKeys(NAME);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        for (int i = 0; i < 3; i++) {
            browser.findElement(By.id("plan-pro")).click();
        }
        Thread.sleep(1_500);
        browser.findElement(By.id("plan-basic")).click();
        // the page as the visitor sees it now: kept, to compare with the replay at this moment
        Thread.sleep(500);
        long shotAt = ((Number) script("return Date.now()")).longValue();
        String shownRect = (String) script(RECT, "plan-pro");
        Chromium.screenshot(browser, "recording-signup");
        for (int y = 300; y <= 1500; y += 300) {
            script("window.scrollTo(0, " + y + ")");
            Thread.sleep(400);
        }
        // the network drops for 8 seconds while the visitor goes on
        ChromiumDriver chromium = (ChromiumDriver) browser;
        ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
        offline.setOffline(true);
        chromium.setNetworkConditions(offline);
        for (int i = 0; i < 4; i++) {
            browser.findElement(By.id("name")).sendKeys("!");
            script("window.scrollTo(0, " + (200 * i) + ")");
            Thread.sleep(2_000);
        }
        chromium.deleteNetworkConditions();
        // back online, the visitor reads on for a while
        for (int i = 0; i < 10; i++) {
            script("window.scrollTo(0, " + (300 + 150 * i) + ")");
            Thread.sleep(1_500);
        }
        script("window.scrollTo(0, 0)");
        browser.findElement(By.id("next")).click();
        Pages.await(() -> script("return document.getElementById('thanks') && window.flywheel"
                + " && !Array.isArray(window.flywheel) ? true : null"), Duration.ofSeconds(20), "the second page");
        Thread.sleep(5_000);
        script("return flywheel.flush()");

        // every chunk the browser numbered is stored, the outage notwithstanding
        JsonNode state = JSON.readTree((String) script("return sessionStorage.getItem('fw_rec_" + suffix() + "')"));
        String session = state.get("sessionId").asText();
        JsonNode recording = Pages.await(() -> {
            int numbered = readSequence();
            JsonNode found = tree(asAdmin().when().get(base + "/recordings/" + session).then().extract()
                    .asString());
            return found.path("chunks").asInt() == numbered && numbered >= 5 ? found : null;
        }, Duration.ofSeconds(60), "every chunk the browser numbered to be stored");
        assertEquals(visitor, recording.get("distinctId").asText());
        assertEquals(List.of(origin + "/signup.html", origin + "/thanks.html"), List.of(recording.get("pages")
                .get(0).asText(), recording.get("pages").get(1).asText()));
        assertTrue(recording.get("clicks").asInt() >= 5, recording.toString());
        assertTrue(recording.get("rageClicks").asInt() >= 1, recording.toString());
        assertTrue(recording.get("durationMs").asLong() >= 28_000, recording.toString());
        assertTrue(recording.get("replayable").asBoolean());

        // the bytes stored (and the replay) never hold what was typed or masked
        Path blobs = Platform.root().resolve(".flywheel/recordings/recordings/" + project + "/production/" + session);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(blobs)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertEquals(readSequence(), files.size(), "one blob per chunk");
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes.length > 1 && bytes[0] == 0x1f && bytes[1] == (byte) 0x8b
                    ? new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes()
                    : bytes,
                    StandardCharsets.UTF_8);
            for (String secret : List.of(PASSWORD, NAME, "Zebulon", MASKED_TEXT, "5512")) {
                assertFalse(text.contains(secret), file + " holds " + secret);
            }
        }
        String replay = asAdmin().when().get(base + "/recordings/" + session + "/replay").then().statusCode(200)
                .extract().asString();
        assertFalse(replay.contains(PASSWORD) || replay.contains(NAME), "the replay holds a secret");

        // the replay plays in Chromium with rrweb's player and shows the page
        browser.get(origin + "/replay.html");
        Object played = script("return flywheelReplayOf(arguments[0], arguments[1])", Platform.gatewayUrl() + base
                + "/recordings/" + session + "/replay", admin);
        assertTrue(((Number) played).intValue() > 50, "events played: " + played);
        String shown = (String) script("var f = document.querySelector('#player iframe');"
                + " return f.contentDocument.body.innerText");
        assertTrue(shown.contains("Thanks for signing up"), shown);
        Chromium.screenshot(browser, "recording-replay");
        // and at the moment of the first screenshot it shows the form where the page had it, typing masked
        long offset = shotAt - java.time.Instant.parse(recording.get("startedAt").asText()).toEpochMilli();
        Object signupShown = script("return flywheelReplayAt(arguments[0], arguments[1], arguments[2])",
                Platform.gatewayUrl() + base + "/recordings/" + session + "/replay", admin, offset);
        assertTrue(String.valueOf(signupShown).contains("Create your account"), String.valueOf(signupShown));
        assertFalse(String.valueOf(signupShown).contains(MASKED_TEXT), String.valueOf(signupShown));
        String replayedRect = (String) script("var d = document.querySelector('#player iframe').contentDocument;"
                + " var r = d.getElementById(arguments[0]).getBoundingClientRect();"
                + " return [r.x, r.y, r.width, r.height].map(Math.round).join(',')", "plan-pro");
        assertEquals(shownRect, replayedRect, "the Pro button where the page had it");
        String typed = (String) script("return document.querySelector('#player iframe').contentDocument"
                + ".getElementById('password').value");
        assertFalse(typed.contains(PASSWORD), typed);
        Chromium.screenshot(browser, "recording-replay-signup");

        // the heatmap counts the clicks per element
        JsonNode heatmap = Pages.await(() -> {
            JsonNode found = tree(asAdmin().queryParam("url", origin + "/signup.html").when()
                    .get(base + "/heatmaps").then().extract().asString());
            return found.path("total").asInt() >= 4 ? found : null;
        }, Duration.ofSeconds(60), "the heatmap's clicks");
        Map<String, JsonNode> elements = new java.util.HashMap<>();
        heatmap.get("elements").forEach(e -> elements.put(e.get("selector").asText(), e));
        assertEquals(3, elements.get("#plan-pro").get("clicks").asInt(), heatmap.toString());
        assertEquals(1, elements.get("#plan-pro").get("rageClicks").asInt(), heatmap.toString());
        assertEquals(1, elements.get("#plan-basic").get("clicks").asInt(), heatmap.toString());
        JsonNode scroll = Pages.await(() -> {
            JsonNode found = tree(asAdmin().queryParam("url", origin + "/signup.html").when()
                    .get(base + "/heatmaps/scroll").then().extract().asString());
            return found.path("views").asInt() >= 1 ? found : null;
        }, Duration.ofSeconds(60), "the scroll map");
        assertEquals(1.0, scroll.get("depths").get(0).get("share").asDouble());

        // erasing the person takes the recording, its bytes and the heatmap points
        asAdmin().queryParam("distinctId", visitor).when().delete(base + "/recordings").then().statusCode(200);
        asAdmin().when().get(base + "/recordings/" + session).then().statusCode(404);
        assertFalse(Files.exists(blobs), "the chunks' bytes are gone");
        assertEquals(0, JSON.readTree(asAdmin().queryParam("url", origin + "/signup.html").when()
                .get(base + "/heatmaps").then().statusCode(200).extract().asString()).path("total").asInt());
    }

    /** An element's place in the viewport, rounded to pixels. */
    static final String RECT = "var r = document.getElementById(arguments[0]).getBoundingClientRect();"
            + " return [r.x, r.y, r.width, r.height].map(Math.round).join(',')";

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String suffix() {
        return clientKey.substring(clientKey.length() - 8);
    }

    private int readSequence() {
        try {
            Object raw = script("return sessionStorage.getItem('fw_rec_" + suffix() + "')");
            return raw == null ? 0 : JSON.readTree((String) raw).get("sequence").asInt();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private RequestSpecification asAdmin() {
        return given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin);
    }

    // ---- the site ----

    static final String SIGNUP = """
            <h1>Create your account</h1>
            <form id="signup"><p><label>Name <input id="name" type="text" placeholder="Your full name"></label></p>
            <p><label>Password <input id="password" type="password"></label></p>
            <p data-fw-mask>%s</p>
            <p><button id="plan-basic" type="button">Basic</button> <button id="plan-pro" type="button">Pro</button></p>
            </form>
            <div id="filler"><p>Plans compared, in detail.</p></div>
            <p><a id="next" href="/thanks.html">Continue</a></p>
            """.formatted(MASKED_TEXT);

    static final String THANKS = "<h1 id=\"thanks\">Thanks for signing up</h1><p>We sent you an email.</p>";

    private String page(String body) {
        String config;
        try {
            config = JSON.writeValueAsString(Map.of("writeKey", clientKey, "host", Platform.gatewayUrl(),
                    "flushIntervalMs", 300, "heatmaps", true,
                    "recording", Map.of("minimumDurationMs", 0, "chunkIntervalMs", 2000)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Sign up</title>
                <style>#filler { height: 2400px; } body { font: 16px sans-serif; }</style>
                <script>
                !function(w,d,u,i){var f=w.flywheel=w.flywheel||[];if(!Array.isArray(f))return;
                ["init","track","page","identify","flush"].forEach(function(m){
                f[m]=function(){f.push([m].concat([].slice.call(arguments)))}});
                var s=d.createElement("script");s.async=true;s.src=u;s.integrity=i;s.crossOrigin="anonymous";d.head.appendChild(s)
                }(window,document,"%s","%s");
                flywheel.init(%s);
                flywheel.page();
                </script>
                </head><body>%s</body></html>
                """
                .formatted(scriptUrl, integrity, config, body);
    }

    /** rrweb's player over the gateway's replay data: the end of the session, or the state at a time into it. */
    static final String REPLAY_PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Replay</title>
            <script src="/replay.js"></script>
            <script>
            function events(url, key) {
              return fetch(url, {headers: {Authorization: 'Bearer ' + key}}).then(function (r) {
                if (!r.ok) { throw new Error('replay ' + r.status); }
                return r.json();
              });
            }
            function player() {
              var root = document.getElementById('player');
              root.innerHTML = '';
              return root;
            }
            function flywheelReplayOf(url, key) {
              return events(url, key).then(function (e) { return flywheelReplay(player(), e); });
            }
            function flywheelReplayAt(url, key, offset) {
              return events(url, key).then(function (e) {
                return flywheelReplay(player(), e, offset);
              }).then(function () {
                return document.querySelector('#player iframe').contentDocument.body.innerText;
              });
            }
            </script>
            </head><body><div id="player"></div></body></html>
            """;

    private Object script(String body, Object... args) {
        return Pages.script(browser, body, args);
    }
}
