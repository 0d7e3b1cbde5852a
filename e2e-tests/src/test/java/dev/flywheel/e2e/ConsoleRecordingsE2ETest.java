package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Recordings in the console, in headless Chromium: a two-minute session (two pages, clicks, a console error, a
 * tracked event, half a minute of nothing) found in the list, replayed by the player page the console frames, with
 * the recorded page's own inline style applied (the player's policy allows it, ADR 0014), every kind of moment
 * marked, and playing when Play is pressed; and the feedback wall, whose screenshot opens large and whose item leads
 * to the recording of that moment; and a page's heatmap drawn over the page as its recording saw it. Screenshots:
 * target/screenshots/recording-*.png, feedback-*.png.
 */
@ExtendWith(Platform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleRecordingsE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();

    ConsoleBrowser console;
    String project;
    String session = "console-" + UUID.randomUUID();

    @BeforeAll
    void record() throws Exception {
        project = Tenants.project("recordings-console");
        String client = Tenants.key(project, "client", "production");
        // the session ends half a minute ago: the feedback below is left while it went on (a minute's slack)
        long t0 = System.currentTimeMillis() - 150_000;
        String events = String.join(",", meta(t0, "https://shop.example/pricing"), page(t0 + 10, "Pricing"),
                click(t0 + 5_000), click(t0 + 10_000), error(t0 + 20_000), custom(t0 + 25_000, "Signed Up"),
                meta(t0 + 60_000, "https://shop.example/welcome"), page(t0 + 60_010, "Welcome"),
                move(t0 + 90_000), move(t0 + 120_000));
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(client).contentType("application/json")
                .body("{\"sessionId\": \"" + session + "\", \"windowId\": \"window-0001\", \"sequence\": 0,"
                        + " \"distinctId\": \"shopper-rec\", \"events\": [" + events + "]}")
                .when().post("/api/v1/recordings").then().statusCode(200);
        // two days ago: shopper-rec viewed pricing and left; two others signed up within the hour
        String server = Tenants.key(project, "server", "production");
        java.time.Instant before = java.time.Instant.now().minus(java.time.Duration.ofDays(2));
        StringBuilder batch = new StringBuilder("{\"batch\": [");
        for (String person : java.util.List.of("shopper-rec", "shopper-a", "shopper-b")) {
            batch.append(track(person, "Viewed Pricing", before)).append(',');
            if (!person.equals("shopper-rec")) {
                batch.append(track(person, "Signed Up", before.plusSeconds(600))).append(',');
            }
        }
        batch.setLength(batch.length() - 1);
        given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(server, "").contentType("application/json")
                .body(batch.append("]}").toString()).when().post("/v1/import").then().statusCode(200);
        // heatmap data of the pricing page, as the SDK sends it: 5 clicks on the buy button, 2 on the heading, 2 scrolls
        StringBuilder heat = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < 7; i++) {
            heat.append(i == 0 ? "" : ",").append(heatmapClick(i < 5 ? "#buy" : "h1", i < 5 ? 0.03 : 0.05,
                    i < 5 ? 40 : 15));
        }
        for (int i = 0; i < 2; i++) {
            heat.append(",{\"type\": \"track\", \"event\": \"$heatmap_scroll\", \"userId\": \"shopper-rec\","
                    + " \"properties\": {\"depth\": 640, \"pageHeight\": 640, \"viewportWidth\": 1024},"
                    + " \"context\": {\"page\": {\"url\": \"https://shop.example/pricing\"}}}");
        }
        given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(client, "").contentType("application/json")
                .body(heat.append("]}").toString()).when().post("/v1/batch").then().statusCode(200);
        // shopper-rec leaves feedback with a screenshot (a 1×1 PNG), highlighting the buy button
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(client).contentType("application/json")
                .body("{\"person\": {\"userId\": \"shopper-rec\"}, \"rating\": 2, \"comment\": \"The price is"
                        + " missing\", \"pageUrl\": \"https://shop.example/pricing\", \"selector\": \"#buy\","
                        + " \"screenshotPng\": \"" + PIXEL + "\"}")
                .when().post("/api/v1/feedback").then().statusCode(201);
        console = new ConsoleBrowser();
        console.joinAs(project, "researcher-" + UUID.randomUUID() + "@example.com", "viewer", "Rita Researcher",
                "a researcher's long password");
    }

    @AfterAll
    void close() {
        if (console != null) {
            console.close();
        }
    }

    static final String PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    static String heatmapClick(String selector, double x, int y) {
        return "{\"type\": \"track\", \"event\": \"$heatmap_click\", \"userId\": \"shopper-rec\", \"properties\":"
                + " {\"x\": " + x + ", \"y\": " + y + ", \"selector\": \"" + selector + "\", \"viewportWidth\": 1024,"
                + " \"rage\": false}, \"context\": {\"page\": {\"url\": \"https://shop.example/pricing\"}}}";
    }

    static String track(String person, String event, java.time.Instant at) {
        return "{\"type\": \"track\", \"event\": \"" + event + "\", \"userId\": \"" + person
                + "\", \"timestamp\": \"" + at + "\"}";
    }

    static String meta(long at, String href) {
        return "{\"type\": 4, \"timestamp\": " + at + ", \"data\": {\"href\": \"" + href
                + "\", \"width\": 1024, \"height\": 640}}";
    }

    /** A full snapshot of a small page whose heading an inline style sheet colours red. */
    static String page(long at, String heading) {
        return "{\"type\": 2, \"timestamp\": " + at
                + ", \"data\": {\"node\": {\"type\": 0, \"id\": 1, \"childNodes\": ["
                + "{\"type\": 1, \"id\": 2, \"name\": \"html\", \"publicId\": \"\", \"systemId\": \"\"},"
                + "{\"type\": 2, \"id\": 3, \"tagName\": \"html\", \"attributes\": {}, \"childNodes\": ["
                + "{\"type\": 2, \"id\": 4, \"tagName\": \"head\", \"attributes\": {}, \"childNodes\": ["
                + "{\"type\": 2, \"id\": 5, \"tagName\": \"style\", \"attributes\": {\"_cssText\": "
                + "\"h1 { color: rgb(200, 0, 0); }\"}, \"childNodes\": []}]},"
                + "{\"type\": 2, \"id\": 6, \"tagName\": \"body\", \"attributes\": {}, \"childNodes\": ["
                + "{\"type\": 2, \"id\": 7, \"tagName\": \"h1\", \"attributes\": {}, \"childNodes\": ["
                + "{\"type\": 3, \"id\": 8, \"textContent\": \"" + heading + "\"}]},"
                + "{\"type\": 2, \"id\": 9, \"tagName\": \"button\", \"attributes\": {\"id\": \"buy\"}, \"childNodes\": ["
                + "{\"type\": 3, \"id\": 10, \"textContent\": \"Buy\"}]}]}]}]}, "
                + "\"initialOffset\": {\"top\": 0, \"left\": 0}}}";
    }

    static String click(long at) {
        return "{\"type\": 3, \"timestamp\": " + at + ", \"data\": {\"source\": 2, \"type\": 2, \"id\": 9, \"x\": 20,"
                + " \"y\": 60}}";
    }

    static String move(long at) {
        return "{\"type\": 3, \"timestamp\": " + at
                + ", \"data\": {\"source\": 1, \"positions\": [{\"x\": 40, \"y\": 40,"
                + " \"id\": 6, \"timeOffset\": 0}]}}";
    }

    static String error(long at) {
        return "{\"type\": 6, \"timestamp\": " + at + ", \"data\": {\"plugin\": \"rrweb/console@1\", \"payload\": "
                + "{\"level\": \"error\", \"trace\": [], \"payload\": [\"\\\"TypeError: price is undefined\\\"\"]}}}";
    }

    static String custom(long at, String event) {
        return "{\"type\": 5, \"timestamp\": " + at + ", \"data\": {\"tag\": \"" + event + "\", \"payload\": "
                + "{\"flywheel\": \"track\"}}}";
    }

    @Test
    @Order(2)
    void theFeedbackWallShowsTheScreenshotLargeAndLeadsToTheRecording() throws Exception {
        console.open("/console/p/" + project + "/feedback/production");
        WebElement item = console.awaitText(By.cssSelector(".wall-item"), "The price is missing");
        assertEquals("#buy", item.findElement(By.cssSelector("code.selector")).getText());
        assertTrue(item.getText().contains("2/5"), item.getText());
        console.assertNoSeriousAccessibilityViolations("feedback");
        item.findElement(By.cssSelector("button.thumb")).click();
        WebElement shot = console.await(By.cssSelector("dialog.lightbox[open] img"));
        assertEquals(1L, console.js("return arguments[0].naturalWidth", shot), "the screenshot loaded");
        console.screenshot("feedback-lightbox");
        console.click("Close");
        item.findElement(By.xpath(".//button[normalize-space(.)='Watch the recording']")).click();
        console.waitFor(() -> console.driver.getCurrentUrl().endsWith("/recordings/production/" + session)
                ? Boolean.TRUE
                : null, "the recording of that moment");
        console.await(By.cssSelector("iframe.player-frame"));
        console.screenshot("feedback-wall-recording");
    }

    @Test
    @Order(3)
    void aHeatmapIsDrawnOverThePageAsARecordingSawItWithItsElementsCounted() throws Exception {
        console.waitFor(() -> given().baseUri(Platform.gatewayUrl()).cookie("fw_session", console.driver.manage()
                .getCookieNamed("fw_session").getValue()).queryParam("url", "https://shop.example/pricing")
                .when().get("/api/v1/projects/" + project + "/environments/production/heatmaps")
                .then().statusCode(200).extract().jsonPath().getInt("total") == 7 ? Boolean.TRUE : null,
                "the 7 clicks counted");
        console.open("/console/p/" + project + "/heatmaps/production");
        console.type("Page URL", "https://shop.example/pricing");
        console.click("Show");
        WebElement buy = console.await(By.cssSelector("table.elements tr[data-selector='#buy']"));
        assertTrue(buy.getText().contains("5"), buy.getText());
        console.assertNoSeriousAccessibilityViolations("heatmaps");
        console.driver.switchTo().frame(console.await(By.cssSelector("iframe.heatmap-frame")));
        try {
            WebElement body = console.await(By.cssSelector("body[data-state=heatmap]"));
            assertEquals("7", body.getDomAttribute("data-total"));
            assertTrue(Integer.parseInt(body.getDomAttribute("data-cells")) >= 2, body.getDomAttribute("data-cells"));
            assertEquals("Pricing", console.js("return document.querySelector('#stage iframe').contentDocument"
                    + ".querySelector('h1').textContent"), "the page the heatmap is about, from its recording");
        } finally {
            console.driver.switchTo().defaultContent();
        }
        console.screenshot("heatmap");
    }

    @Test
    @Order(1)
    void fromAFunnelsDropOffToThePersonToTheirRecordingWhichPlays() throws Exception {
        // the funnel, once the events are counted
        String funnel = "{\"kind\":\"funnel\",\"steps\":[\"Viewed Pricing\",\"Signed Up\"],\"windowHours\":1}";
        console.waitFor(() -> {
            console.open("/console/p/" + project + "/insights/production?q=" + java.net.URLEncoder.encode(funnel,
                    java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
            console.await(By.cssSelector(".funnel-chart svg"));
            return console.driver.findElement(By.cssSelector(".funnel-chart")).getDomAttribute("data-values")
                    .equals("{\"everybody\":[3,2]}") ? Boolean.TRUE : null;
        }, "the funnel counting 3 and 2");
        console.await(By.cssSelector("button[aria-label='People who dropped at step 1']")).click();
        WebElement dropped = console.awaitText(By.cssSelector(".people-list"), "shopper-rec");
        assertTrue(dropped.getText().contains("(1)"), dropped.getText());
        console.screenshot("recording-funnel-people");
        // the person: their events, the feedback they left, their recordings
        dropped.findElement(By.linkText("shopper-rec")).click();
        console.awaitText(By.cssSelector("table.timeline"), "Viewed Pricing");
        console.awaitText(By.cssSelector("section[aria-label=Who]"), "The price is missing");
        WebElement recordingLink = console.await(By.cssSelector("ul.recordings a"));
        console.screenshot("person");
        console.assertNoSeriousAccessibilityViolations("person");
        recordingLink.click();
        console.await(By.cssSelector("iframe.player-frame"));
        console.driver.navigate().back();
        console.await(By.cssSelector("ul.recordings a"));
        console.follow("Recordings");
        console.type("Person", "shopper-rec");
        console.click("Find");

        WebElement row = console.await(By.cssSelector("tr[data-session='" + session + "']"));
        assertTrue(row.getText().contains("shopper-rec") && row.getText().contains("2:00"), row.getText());
        console.waitFor(() -> console.driver.findElements(By.cssSelector("tr[data-session]")).size() == 1
                ? Boolean.TRUE
                : null, "only shopper-rec's recordings");
        console.screenshot("recording-list");
        console.assertNoSeriousAccessibilityViolations("recordings");
        row.findElement(By.tagName("a")).click();
        console.awaitText(By.cssSelector("aside[aria-label='About this session']"), "shopper-rec");

        WebElement frame = console.await(By.cssSelector("iframe.player-frame"));
        console.driver.switchTo().frame(frame);
        try {
            console.await(By.cssSelector("body[data-state=paused]"));
            assertEquals(JSON.readTree("{\"page\": 2, \"click\": 2, \"error\": 1, \"event\": 1}"),
                    JSON.readTree(console.driver.findElement(By.tagName("body")).getDomAttribute("data-markers")));
            assertTrue(Integer.parseInt(console.driver.findElement(By.tagName("body"))
                    .getDomAttribute("data-first-frame-ms")) > 0);
            console.awaitText(By.id("moments"), "TypeError: price is undefined");
            // the recorded page as it looked: its own inline style applies inside the replay
            Object colour = console.js("var d = document.querySelector('#stage iframe').contentDocument;"
                    + " var h = d && d.querySelector('h1'); return h ? d.defaultView.getComputedStyle(h).color : null;");
            assertEquals("rgb(200, 0, 0)", colour);
            console.click("Play");
            console.waitFor(() -> ((Number) console.js("return window.flywheelPlayer.replayer.getCurrentTime()"))
                    .doubleValue() > 1000 ? Boolean.TRUE : null, "the player moving through the session");
            console.await(By.cssSelector("body[data-state=playing], body[data-state=finished]"));
        } finally {
            console.driver.switchTo().defaultContent();
        }
        console.screenshot("recording-player");
    }
}
