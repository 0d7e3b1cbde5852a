package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.restassured.http.ContentType;

/**
 * The embeddable widget in a real browser (headless Chromium): a page of another origin loads
 * {@code /widget/flywheel-feedback.js} from the gateway, is shown the running survey, answers it through the
 * branching, then sends the feedback tab's rating, comment, pointed-at element and screenshot. What the browser sent
 * is checked in the results.
 */
@ExtendWith(Platform.class)
class FeedbackWidgetE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    @Test
    void aPageAnswersASurveyAndSendsFeedback() throws Exception {
        String chromium = Chromium.binary();
        String project = Tenants.project("widget");
        String admin = Tenants.key(project, "admin", null);
        String client = Tenants.key(project, "client", "production");
        String base = "/api/v1/projects/" + project + "/environments/production";
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON).body("""
                {"name": "NPS", "questions": [
                   {"id": "score", "type": "nps", "text": "How likely are you to <b>recommend</b> us?",
                    "branches": [{"max": 6, "next": "why"}, {"min": 7, "next": "end"}]},
                   {"id": "why", "type": "open_text", "text": "What should we do better?"}]}""")
                .when().put(base + "/surveys/nps").then().statusCode(201);
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("status", "running")).when().post(base + "/surveys/nps/status").then().statusCode(200);

        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String origin = "http://127.0.0.1:" + site.getAddress().getPort();
        // Browsers may call the gateway only from the project's own origins.
        Tenants.asOperator().body(Map.of("corsOrigins", List.of(origin)))
                .when().patch("/api/v1/projects/" + project).then().statusCode(200);
        String person = "browser-" + UUID.randomUUID();
        String page = page(Platform.gatewayUrl(), client, person);
        site.createContext("/page.html", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        site.start();
        String dom;
        try {
            Path profile = Files.createTempDirectory("flywheel-chromium-");
            Process browser = new ProcessBuilder(chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=30000",
                    "--dump-dom", origin + "/page.html").redirectErrorStream(false).start();
            dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(browser.waitFor(2, TimeUnit.MINUTES), "chromium did not finish");
        } finally {
            site.stop(0);
        }
        assertTrue(dom.contains("id=\"result\">done"), "the page's script did not finish: "
                + dom.substring(Math.max(0, dom.indexOf("id=\"result\"")), Math.min(dom.length(),
                        dom.indexOf("id=\"result\"") + 300)));
        // The survey's text was shown as text, not as HTML: the page's script checked it in the shadow root.

        JsonNode results = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin)
                .when().get(base + "/surveys/nps/results").then().statusCode(200).extract().asString());
        assertEquals(1, results.get("completed").asLong(), results::toString);
        JsonNode score = results.get("questions").get(0);
        assertEquals(1, score.get("distribution").get(3).get("count").asLong(), results::toString);
        assertEquals("Too <b>expensive</b>", results.get("questions").get(1).get("latest").get(0).get("text")
                .asText());
        JsonNode wall = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin)
                .when().get(base + "/feedback").then().statusCode(200).extract().asString());
        JsonNode item = wall.get("items").get(0);
        assertEquals(2, item.get("rating").asInt(), wall::toString);
        assertEquals("Where is the invoice?", item.get("comment").asText());
        assertEquals("#buy", item.get("selector").asText());
        assertEquals(origin + "/page.html", item.get("pageUrl").asText());
        assertTrue(item.get("hasScreenshot").asBoolean());
        assertEquals(person, item.get("person").asText());
    }

    /** A page that drives the widget as a person would, and writes how it went into #result. */
    static String page(String gateway, String clientKey, String person) {
        return """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>Pricing</title></head><body>
                <main><h1>Pricing</h1><button id="buy">Buy</button></main>
                <div id="result">pending</div>
                <script src="%1$s/widget/flywheel-feedback.js"></script>
                <script>
                var result = document.getElementById('result');
                // the widget draws in its own shadow root
                function widget() {
                  var host = document.querySelector('flywheel-widget');
                  return host ? host.shadowRoot : document.createDocumentFragment();
                }
                function waitFor(selector) {
                  return new Promise(function (resolve, reject) {
                    var tries = 0;
                    (function poll() {
                      var node = widget().querySelector(selector);
                      if (node) { return resolve(node); }
                      if (++tries > 400) { return reject(new Error('no ' + selector)); }
                      setTimeout(poll, 50);
                    })();
                  });
                }
                try {
                  Flywheel.feedback.init({gateway: '%1$s', clientKey: '%2$s', person: {userId: '%3$s'},
                    properties: {plan: 'pro'}, screenshot: function () { return 'data:image/png;base64,%4$s'; }});
                  Flywheel.feedback.checkSurvey({}).then(function (shown) {
                    if (!shown.show) { throw new Error('no survey shown'); }
                    return waitFor('#fw-survey [data-fw-score="3"]');
                  }).then(function (button) {
                    var question = widget().querySelector('#fw-survey .fw-question');
                    if (!question || question.textContent.indexOf('<b>recommend</b>') < 0
                        || question.querySelector('b')) {
                      throw new Error('the question was not shown as text');
                    }
                    button.click();
                    return waitFor('#fw-survey[data-fw-question="why"] .fw-text');
                  }).then(function (text) {
                    text.value = 'Too <b>expensive</b>';
                    widget().querySelector('#fw-survey .fw-next').click();
                    return waitFor('#fw-survey[data-fw-done="true"]');
                  }).then(function () {
                    widget().querySelector('#fw-tab').click();
                    return waitFor('#fw-feedback [data-fw-rating="2"]');
                  }).then(function (rating) {
                    rating.click();
                    widget().querySelector('#fw-feedback .fw-comment').value = 'Where is the invoice?';
                    widget().querySelector('#fw-feedback .fw-pick').click();
                    document.getElementById('buy').click();
                    widget().querySelector('#fw-feedback .fw-send').click();
                    return waitFor('#fw-feedback [data-fw-feedback-id]');
                  }).then(function (status) {
                    result.textContent = 'done ' + status.getAttribute('data-fw-feedback-id');
                  }).catch(function (error) {
                    result.textContent = 'failed: ' + error.message;
                  });
                } catch (error) {
                  result.textContent = 'failed: ' + error.message;
                }
                </script>
                </body></html>
                """.formatted(gateway, clientKey, person, PNG);
    }
}
