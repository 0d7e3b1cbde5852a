package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The browser SDK in real headless Chromium against the running platform: a small demo shop (another origin) loads
 * the script the gateway serves, and a person browses, adds to cart, reads a flag and a variation, buys and answers
 * the survey that buying triggers. Checked: every event the page sent is stored once in analytics; flags equal what
 * OpenFeature's own OFREP web provider reads; the variation equals the server's and its exposure is recorded once, on
 * reading; the queue survives a reload while the collector is down and drains once it is back; opt-in sends and stores
 * nothing before consent; a page under a strict Content-Security-Policy works. Screenshots: target/screenshots.
 */
@ExtendWith(Platform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserSdkE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String EXPERIMENT = """
            {"variations": [{"key": "control", "value": "blue", "weight": 0.5},
                            {"key": "treatment", "value": "green", "weight": 0.5}]}""";
    static final String SURVEY = """
            {"name": "After the order", "questions": [
               {"id": "score", "type": "nps", "text": "How likely are you to recommend the shop?"}],
             "targeting": {"events": ["Order Completed"]}}""";
    /** Flag defaults as the page's code gives them (checkout-flags.json has these flags, some of them broken). */
    static final Map<String, Object> FLAG_DEFAULTS = new LinkedHashMap<>();

    static {
        FLAG_DEFAULTS.put("new-checkout", false);
        FLAG_DEFAULTS.put("greeting", "hi");
        FLAG_DEFAULTS.put("page-size", 10);
        FLAG_DEFAULTS.put("theme", "plain");
        FLAG_DEFAULTS.put("fractional-flag", "none");
        FLAG_DEFAULTS.put("no-default", "fallback");
        FLAG_DEFAULTS.put("bad-operator", false);
        FLAG_DEFAULTS.put("switched-off", "off-by-default");
    }

    String project;
    String admin;
    String clientKey;
    String origin;
    String optInProject;
    String optInAdmin;
    String optInClientKey;
    String optInOrigin;
    String scriptUrl;
    String integrity;
    HttpServer site;
    HttpServer optInSite;
    WebDriver browser;

    @BeforeAll
    void setUp() throws Exception {
        project = Tenants.project("browser-sdk");
        admin = Tenants.key(project, "admin", null);
        clientKey = Tenants.key(project, "client", "production");
        String base = "/api/v1/projects/" + project + "/environments/production";
        try (InputStream flags = BrowserSdkE2ETest.class.getResourceAsStream("/flags/checkout-flags.json")) {
            asAdmin().body(new String(flags.readAllBytes(), StandardCharsets.UTF_8)).when().put(base + "/flagd")
                    .then().statusCode(200);
        }
        asAdmin().body(EXPERIMENT).when().put(base + "/experiments/checkout-button").then().statusCode(201);
        asAdmin().body(Map.of("status", "running")).when().post(base + "/experiments/checkout-button/status")
                .then().statusCode(200);
        asAdmin().body(SURVEY).when().put(base + "/surveys/after-order").then().statusCode(201);
        asAdmin().body(Map.of("status", "running")).when().post(base + "/surveys/after-order/status")
                .then().statusCode(200);

        String version = JSON.readTree(Platform.root().resolve("sdks/browser/package.json").toFile()).get("version")
                .asText();
        scriptUrl = Platform.gatewayUrl() + "/sdk/browser/v" + version + "/flywheel.min.js";
        integrity = JSON.readTree(given().when().get(scriptUrl + ".json").then().statusCode(200).extract().asString())
                .get("integrity").asText();

        site = site();
        // the opt-in visitor arrives on an origin of its own: nothing this class did elsewhere is stored there
        optInSite = site();
        origin = "http://127.0.0.1:" + site.getAddress().getPort();
        optInOrigin = "http://127.0.0.1:" + optInSite.getAddress().getPort();
        Tenants.asOperator().body(Map.of("corsOrigins", List.of(origin)))
                .when().patch("/api/v1/projects/" + project).then().statusCode(200);
        // and belongs to a project of its own, so that what analytics holds is only what that page sent
        optInProject = Tenants.project("browser-opt-in");
        optInAdmin = Tenants.key(optInProject, "admin", null);
        optInClientKey = Tenants.key(optInProject, "client", "production");
        Tenants.asOperator().body(Map.of("corsOrigins", List.of(optInOrigin)))
                .when().patch("/api/v1/projects/" + optInProject).then().statusCode(200);
        browser = Chromium.driver();
    }

    /** The demo shop: its pages, its own code and OpenFeature's web SDK, on a port of its own. */
    private HttpServer site() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/app.js", exchange -> Pages.send(exchange, "text/javascript", APP_JS, null));
        server.createContext("/openfeature.js", exchange -> Pages.send(exchange, "text/javascript", Files.readString(
                Platform.root().resolve("sdks/browser/target/e2e/openfeature.js")), null));
        server.createContext("/shop.html", exchange -> {
            Map<String, Object> config = config(exchange.getRequestURI().getQuery());
            Pages.send(exchange, "text/html; charset=utf-8", page(config, false), null);
        });
        server.createContext("/csp.html", exchange -> Pages.send(exchange, "text/html; charset=utf-8",
                page(config(null), true), "default-src 'none'; script-src 'self' " + Platform.gatewayUrl()
                        + "; connect-src " + Platform.gatewayUrl() + "; style-src 'self'; img-src 'self';"
                        + " base-uri 'none'; form-action 'self'"));
        server.start();
        return server;
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        for (HttpServer server : new HttpServer[]{site, optInSite}) {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    @Test
    void aShopPageDeliversEveryEventOnceWithTheServersFlagsAndVariationsAndASurvey() throws Exception {
        open("/shop.html");
        script("return flywheel.reloadFlags().then(function () { return flywheel.reloadExperiments(); })");
        String visitor = (String) script("return flywheel.anonymousId()");
        // assigned, not yet seen: no exposure
        assertTrue(exposures(visitor, Duration.ofSeconds(2)).isEmpty());

        browser.findElement(By.id("add")).click();
        browser.findElement(By.id("add")).click();
        browser.findElement(By.id("show")).click();
        String shown = browser.findElement(By.id("variation")).getText();
        JsonNode server = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(clientKey)
                .contentType(ContentType.JSON).body(Map.of("attributes", Map.of("id", visitor, "anonymousId", visitor,
                        "deviceId", visitor), "deferExposures", true))
                .when().post("/api/v1/assign/checkout-button").then().statusCode(200).extract().asString());
        assertEquals(server.get("variationKey").asText(), shown);

        // the same flag values as OpenFeature's OFREP web provider gives for the same context
        @SuppressWarnings("unchecked")
        Map<String, Object> ours = (Map<String, Object>) script("var out = {}; var d = arguments[0];"
                + " Object.keys(d).forEach(function (k) { out[k] = flywheel.getFlag(k, d[k]); }); return out;",
                FLAG_DEFAULTS);
        @SuppressWarnings("unchecked")
        Map<String, Object> theirs = (Map<String, Object>) script("""
                var s = document.createElement('script'); s.src = '/openfeature.js';
                return new Promise(function (resolve, reject) { s.onload = resolve; s.onerror = reject;
                  document.head.appendChild(s); }).then(function () {
                  return openFeatureValues(arguments[0], arguments[1], arguments[2], arguments[3]); })
                """.replace("arguments[0], arguments[1], arguments[2], arguments[3]",
                "'" + Platform.gatewayUrl() + "', '" + clientKey + "', {targetingKey: '" + visitor
                        + "', anonymousId: '" + visitor + "'}, " + JSON.writeValueAsString(FLAG_DEFAULTS)));
        assertEquals(normalise(theirs), normalise(ours));
        assertEquals(true, ours.get("new-checkout"), ours::toString);

        // buying triggers the survey, answered in the widget's shadow root
        browser.findElement(By.id("buy")).click();
        SearchContext widget = Pages.await(() -> shadowRoot(), Duration.ofSeconds(20), "the survey widget");
        WebElement nine = Pages.await(() -> first(widget, "#fw-survey [data-fw-score='9']"), Duration.ofSeconds(20),
                "the survey");
        Chromium.screenshot(browser, "browser-sdk-shop-survey");
        nine.click();
        Pages.await(() -> first(widget, "#fw-survey[data-fw-done='true']"), Duration.ofSeconds(20), "the survey's end");
        Chromium.screenshot(browser, "browser-sdk-shop-survey-done");
        drain();

        List<String> exposures = exposures(visitor, Duration.ofSeconds(3));
        assertEquals(List.of(shown), exposures, "one exposure, to the variation shown");
        JsonNode results = JSON.readTree(asAdmin().when().get("/api/v1/projects/" + project
                + "/environments/production/surveys/after-order/results").then().statusCode(200).extract()
                .asString());
        assertEquals(1, results.get("completed").asLong(), results::toString);
        String sent = String.valueOf(script("return JSON.stringify(e2e.bodies())"));
        assertFalse(sent.contains("secret@example.com"), "a form value left the page");
        assertStoredOnce(project, admin);
    }

    @Test
    void theQueueSurvivesAReloadWhileTheCollectorIsDownAndDrainsOnceItIsBack() throws Exception {
        Assumptions.assumeTrue(Platform.launchedLocally(), "needs a platform this test may kill and restart");
        String event = "Drill " + UUID.randomUUID().toString().substring(0, 8);
        open("/shop.html");
        drain();
        assertEquals(0, Platform.flywheel(Duration.ofMinutes(1), "kill", "event-collector"));
        try {
            for (int n = 1; n <= 6; n++) {
                script("flywheel.track(arguments[0], {n: arguments[1]}); return null", event, n);
            }
            // the gateway refuses them while the collector is away; they wait in the queue
            Pages.await(() -> script("return flywheel.queued() >= 6 && e2e.refusals() > 0 ? true : null"),
                    Duration.ofSeconds(30), "a refused delivery");
            browser.navigate().refresh();
            awaitLoaded();
            for (int n = 7; n <= 11; n++) {
                script("flywheel.track(arguments[0], {n: arguments[1]}); return null", event, n);
            }
            assertTrue(((Number) script("return flywheel.queued()")).intValue() >= 11);
            Chromium.screenshot(browser, "browser-sdk-collector-down");
        } finally {
            assertEquals(0, Platform.flywheel(Duration.ofMinutes(3), "up"));
        }
        // no flush from the test: the SDK's own retries deliver
        Pages.await(() -> ((Number) script("return flywheel.queued()")).intValue() == 0 ? true : null,
                Duration.ofMinutes(3), "the queue to drain");
        JsonNode byN = awaitTrend(project, admin, event, "n", 11);
        assertEquals(11, byN.get("series").size(), byN::toString);
        for (JsonNode series : byN.get("series")) {
            assertEquals(1.0, series.get("total").asDouble(), byN::toString);
        }
        assertStoredOnce(project, admin);
    }

    @Test
    void optInSendsAndStoresNothingBeforeConsent() throws Exception {
        String before = "Before Consent " + UUID.randomUUID().toString().substring(0, 8);
        String after = "After Consent " + UUID.randomUUID().toString().substring(0, 8);
        browser.get(optInOrigin + "/shop.html?consent=opt-in");
        awaitLoaded();
        browser.findElement(By.id("add")).click();
        script("flywheel.track(arguments[0]); return null", before);
        Thread.sleep(1500);
        assertEquals(0L, script("return e2e.calls()"), "requests before consent");
        assertEquals(List.of(), script("return Object.keys(localStorage).filter(function (k) {"
                + " return k.indexOf('fw_') === 0; })"));
        // cookies ignore ports: the other origin's visitor shares the jar, so look for this key's own names
        String suffix = optInClientKey.substring(optInClientKey.length() - 8);
        assertFalse(String.valueOf(script("return document.cookie")).contains(suffix));
        assertEquals(Boolean.FALSE, script("return !!document.querySelector('flywheel-widget')"));

        script("flywheel.consent('grant'); flywheel.track(arguments[0]); return null", after);
        drain();
        assertTrue(String.valueOf(script("return document.cookie")).contains("fw_aid_" + suffix));
        assertEquals(1.0, total(awaitTrend(optInProject, optInAdmin, after, null, 1)));
        assertEquals(0.0, total(trend(optInProject, optInAdmin, before, null)));
        assertStoredOnce(optInProject, optInAdmin);
    }

    @Test
    void aPageUnderAStrictContentSecurityPolicyWorks() throws Exception {
        String event = "Under CSP " + UUID.randomUUID().toString().substring(0, 8);
        open("/csp.html");
        script("flywheel.track(arguments[0]); return null", event);
        drain();
        SearchContext widget = Pages.await(() -> shadowRoot(), Duration.ofSeconds(20), "the feedback tab");
        WebElement tab = Pages.await(() -> first(widget, "#fw-tab"), Duration.ofSeconds(20), "the feedback tab");
        // the constructed stylesheet applies under the policy: the tab is fixed to the corner
        assertEquals("fixed", script("return getComputedStyle(arguments[0]).position", tab));
        tab.click();
        Pages.await(() -> first(widget, "#fw-feedback [data-fw-rating='4']"), Duration.ofSeconds(10),
                "the feedback panel");
        Chromium.screenshot(browser, "browser-sdk-csp-page");
        assertEquals(List.of(), script("return e2e.violations"), "Content-Security-Policy violations");
        assertEquals(List.of(), script("return e2e.errors"), "errors the SDK reported");
        assertEquals(1.0, total(awaitTrend(project, admin, event, null, 1)));
    }

    // ---- the page ----

    private Map<String, Object> config(String query) {
        Map<String, Object> config = new HashMap<>();
        boolean optIn = query != null && query.contains("consent=opt-in");
        config.put("writeKey", optIn ? optInClientKey : clientKey);
        config.put("host", Platform.gatewayUrl());
        config.put("flushIntervalMs", 300);
        config.put("autocapture", true);
        config.put("surveys", true);
        if (optIn) {
            config.put("consent", "opt-in");
        }
        return config;
    }

    private String page(Map<String, Object> config, boolean strict) {
        String configJson;
        try {
            configJson = JSON.writeValueAsString(config).replace("&", "&amp;").replace("\"", "&quot;");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // the loader snippet from sdks/browser/README.md; a strict policy allows no inline script, so a script tag
        String loader = strict
                ? "<script src=\"%s\" integrity=\"%s\" crossorigin=\"anonymous\"></script>".formatted(scriptUrl,
                        integrity)
                : """
                        <script>
                        !function(w,d,u,i){var f=w.flywheel=w.flywheel||[];if(!Array.isArray(f))return;
                        ["init","track","page","identify","group","alias","reset","register","unregister","flush","consent",
                        "checkSurvey","openFeedback"].forEach(function(m){
                        f[m]=function(){f.push([m].concat([].slice.call(arguments)))}});
                        var s=d.createElement("script");s.async=true;s.src=u;s.integrity=i;s.crossOrigin="anonymous";d.head.appendChild(s)
                        }(window,document,"%s","%s");
                        </script>"""
                        .formatted(scriptUrl, integrity);
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Flywheel demo shop</title>
                <meta name="e2e-config" content="%s">
                %s
                </head><body>
                <h1>Demo shop</h1>
                <section><h2>Trail shoes</h2><p>Light, grippy, waterproof.</p>
                  <button id="add" data-sku="S-1">Add to cart</button></section>
                <form id="checkout" action="/shop.html"><label>Email <input id="email" name="email"
                  value="secret@example.com"></label> <button id="buy" type="submit">Buy</button></form>
                <p><button id="show">Show the offer</button> <span id="variation">?</span> <span id="flag">?</span></p>
                <script src="/app.js"></script>
                </body></html>
                """.formatted(configJson, loader);
    }

    /**
     * The shop's own code: starts the SDK with the page's settings, records what it sends (through the SDK's
     * {@code fetch} option, kept in localStorage across reloads) and any policy violation, and wires the buttons.
     */
    static final String APP_JS = """
            (function () {
              var config = JSON.parse(document.querySelector('meta[name="e2e-config"]').content);
              var sent = JSON.parse(localStorage.getItem('e2e_sent') || '{}');
              var state = {calls: 0, refusals: 0, bodies: []};
              window.e2e = {violations: [], errors: [], sent: function () { return sent; },
                calls: function () { return state.calls; }, refusals: function () { return state.refusals; },
                bodies: function () { return state.bodies; }};
              document.addEventListener('securitypolicyviolation', function (e) {
                e2e.violations.push(e.violatedDirective + ' ' + e.blockedURI);
              });
              config.fetch = function (url, init) {
                state.calls++;
                if (String(url).indexOf('/v1/batch') >= 0 && init && typeof init.body === 'string') {
                  state.bodies.push(init.body);
                  JSON.parse(init.body).batch.forEach(function (e) {
                    sent[e.messageId] = e.type === 'track' ? e.event : '$' + e.type;
                  });
                  localStorage.setItem('e2e_sent', JSON.stringify(sent));
                }
                return fetch(url, init).then(function (response) {
                  if (response.status >= 500) { state.refusals++; }
                  return response;
                });
              };
              config.onError = function (error, during) {
                e2e.errors.push(during + ': ' + (error && error.message ? error.message : String(error)));
              };
              flywheel.init(config);
              document.getElementById('add').addEventListener('click', function () {
                flywheel.track('Product Added', {sku: 'S-1'});
              });
              document.getElementById('show').addEventListener('click', function () {
                var variation = flywheel.getVariation('checkout-button');
                document.getElementById('variation').textContent = variation ? variation.variationKey : 'none';
                document.getElementById('flag').textContent = String(flywheel.getFlag('new-checkout', false));
              });
              document.getElementById('checkout').addEventListener('submit', function (event) {
                event.preventDefault();
                flywheel.track('Order Completed', {total: 42});
              });
            })();
            """;

    // ---- helpers ----

    private void open(String path) throws Exception {
        browser.get(origin + path);
        awaitLoaded();
    }

    private void awaitLoaded() throws Exception {
        Pages.await(
                () -> script("return window.flywheel && !Array.isArray(window.flywheel) && window.e2e ? true : null"),
                Duration.ofSeconds(20), "the SDK to load");
    }

    /** Sends what is queued and waits until nothing is. */
    private void drain() throws Exception {
        Pages.await(
                () -> script("return flywheel.flush().then(function () { return flywheel.queued() === 0 || null; })"),
                Duration.ofSeconds(60), "the queue to drain");
    }

    private SearchContext shadowRoot() {
        List<WebElement> hosts = browser.findElements(By.cssSelector("flywheel-widget"));
        return hosts.isEmpty() ? null : hosts.get(0).getShadowRoot();
    }

    private static WebElement first(SearchContext root, String css) {
        List<WebElement> found = root.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0);
    }

    private RequestSpecification asAdmin() {
        return given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin).contentType(ContentType.JSON);
    }

    /** The variations of this project's $exposure events for the visitor, as Kafka has them. */
    private List<String> exposures(String visitor, Duration settle) {
        return KafkaEvents.allEvents(project, e -> e.getName().equals("$exposure")
                && e.getDistinctId().equals(visitor), settle).stream()
                .map(e -> e.getProperties().getFieldsOrThrow("variation_key").getStringValue()).toList();
    }

    /**
     * Every event the pages sent (each message id once, whatever the retries) is in analytics exactly once: per
     * event name, the stored count equals the number of distinct message ids sent.
     */
    private void assertStoredOnce(String project, String admin) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, String> sent = (Map<String, String>) script("return e2e.sent()");
        Map<String, Integer> perName = new TreeMap<>();
        sent.values().stream().filter(name -> !name.equals("$identify") && !name.equals("$alias")
                && !name.equals("$group")).forEach(name -> perName.merge(name, 1, Integer::sum));
        assertFalse(perName.isEmpty());
        for (Map.Entry<String, Integer> expected : perName.entrySet()) {
            JsonNode trend = awaitTrend(project, admin, expected.getKey(), null, expected.getValue());
            assertEquals(expected.getValue().doubleValue(), total(trend),
                    "stored count of " + expected.getKey() + ": " + trend);
        }
    }

    private JsonNode awaitTrend(String project, String admin, String event, String breakdown, int expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode trend = trend(project, admin, event, breakdown);
        while (total(trend) < expected && System.nanoTime() < deadline) {
            Thread.sleep(500);
            trend = trend(project, admin, event, breakdown);
        }
        Thread.sleep(1000); // anything sent twice would have arrived by now
        return trend(project, admin, event, breakdown);
    }

    private static double total(JsonNode trend) {
        double sum = 0;
        for (JsonNode series : trend.get("series")) {
            sum += series.get("total").asDouble();
        }
        return sum;
    }

    private JsonNode trend(String project, String admin, String event, String breakdown) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Map<String, Object> query = new HashMap<>();
        query.put("metric", Map.of("events", Map.of("event", event)));
        query.put("range", Map.of("from", today.minusDays(1).toString(), "to", today.plusDays(1).toString()));
        query.put("interval", "month");
        if (breakdown != null) {
            query.put("breakdown", breakdown);
        }
        try {
            JsonNode trend = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(admin)
                    .contentType(ContentType.JSON).body(query).when().post("/api/v1/projects/" + project
                            + "/environments/production/analytics/trends")
                    .then().statusCode(200).extract().asString());
            assertNotNull(trend.get("series"), trend::toString);
            return trend;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Numbers as doubles: the two SDKs' answers come back through WebDriver as Long or Double alike. */
    private static Map<String, Object> normalise(Map<String, Object> values) {
        Map<String, Object> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, v instanceof Number n ? n.doubleValue() : v));
        return out;
    }

    private Object script(String body, Object... args) {
        return Pages.script(browser, body, args);
    }
}
