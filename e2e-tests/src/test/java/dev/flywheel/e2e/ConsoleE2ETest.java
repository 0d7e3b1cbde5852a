package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The console in headless Chromium against the running platform, as a product team uses it: the first owner's setup
 * link, an invitation, an API key, a flag rollout that OFREP then serves, a second tab's edit explained, a viewer
 * refused by the API itself, a CSRF attempt, an experiment's plotted results equal to the API's, and an axe-core
 * check of each page. Screenshots: target/screenshots/console-*.png.
 */
@ExtendWith(Platform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "a long console password";

    ConsoleBrowser console;
    WebDriver browser;
    String project;
    String ownerEmail;
    String clientKey;
    String adminKey;
    String flagPath;

    @BeforeAll
    void start() throws Exception {
        console = new ConsoleBrowser();
        browser = console.driver;
        project = Tenants.project("console-" + UUID.randomUUID().toString().substring(0, 8));
        adminKey = Tenants.key(project, "admin", null);
        flagPath = "/api/v1/projects/" + project + "/environments/production/flags/checkout-redesign";
    }

    @AfterAll
    void stop() {
        if (console != null) {
            console.close();
        }
    }

    @Test
    @Order(1)
    void theConsoleStartsUnderItsPolicyOnAnyOfItsPaths() throws Exception {
        browser.get(Platform.gatewayUrl() + "/console/p/none/flags/production");
        WebElement title = console.await(By.cssSelector("form.sign-in h1"));
        assertEquals("Sign in", title.getText());
        // the app's script ran, and nothing came from anywhere but the gateway
        assertEquals(0L, console.js("return performance.getEntriesByType('resource').filter(function (r) {"
                + " return r.name.indexOf(location.origin) !== 0; }).length"));
        console.screenshot("console-sign-in");
    }

    @Test
    @Order(2)
    void theFirstOwnerSignsUpThroughTheOneTimeLinkWhileNobodyHas() throws Exception {
        Response issued = Tenants.asOperator().when().post("/api/v1/setup/tokens");
        if (issued.statusCode() == 409) {
            return; // this platform's first owner exists already (an earlier run on this database)
        }
        assertEquals(201, issued.statusCode(), issued.asString());
        browser.get(Platform.gatewayUrl() + issued.jsonPath().getString("path"));
        console.await(By.id("setup-title"));
        console.type("Name", "First Owner");
        console.type("Email", "first-owner@example.com");
        console.type("Password", PASSWORD);
        console.screenshot("console-setup");
        console.click("Create account");
        console.await(By.cssSelector("nav.side"));
        assertEquals(409, Tenants.asOperator().when().post("/api/v1/setup/tokens").statusCode());
        console.signOut();
    }

    @Test
    @Order(3)
    void anInvitedOwnerIssuesAKeyAndRunsARolloutThatOfrepServes() throws Exception {
        ownerEmail = "owner-" + UUID.randomUUID() + "@example.com";
        String link = Tenants.asOperator().body(Map.of("email", ownerEmail, "role", "owner"))
                .when().post("/api/v1/projects/" + project + "/invitations")
                .then().statusCode(201).extract().path("path");
        browser.get(Platform.gatewayUrl() + link);
        console.await(By.id("join-title"));
        console.type("Your name", "Olivia Owner");
        console.type("Choose a password", PASSWORD);
        console.click("Join");
        console.await(By.cssSelector("nav.side"));
        assertEquals("owner", browser.findElement(By.cssSelector(".role-badge")).getText());

        // an API key, shown once with a copy button
        browser.findElement(By.linkText("API keys")).click();
        console.await(By.xpath("//h1[text()='API keys']"));
        console.select("Environment", "production");
        console.type("Name", "web shop");
        console.click("Create key");
        clientKey = console.await(By.cssSelector("code.key-secret")).getText();
        assertTrue(clientKey.startsWith("fw_client_"), clientKey);
        assertTrue(browser.findElement(By.xpath("//button[text()='Copy']")).isDisplayed());
        console.screenshot("console-keys");

        // a new flag with a 30% rollout of "on"
        browser.findElement(By.linkText("Flags")).click();
        console.type("New flag key", "checkout-redesign");
        console.click("Create flag");
        console.await(By.xpath("//h1[text()='checkout-redesign']"));
        console.await(By.xpath("//label[contains(., 'Percentage rollout')]/input")).click();
        console.setNumber("Percent for on", "30");
        console.setNumber("Percent for off", "70");
        console.click("Review changes");
        String diff = console.await(By.cssSelector("pre.diff")).getText();
        assertTrue(diff.contains("+ ") && diff.contains("fractional"), diff);
        console.screenshot("console-flag-diff");
        console.click("Save");
        console.awaitText(By.cssSelector("table.table"), "person:" + ownerEmail);
        console.js("window.scrollTo(0, 0)");
        console.screenshot("console-flag-editor");

        double share = ofrepShareOn(600);
        assertTrue(share > 0.22 && share < 0.38, "30% rollout served to " + share);

        // "try it" answers what OFREP serves the same context
        for (String user : List.of("user-7", "user-8", "user-9")) {
            console.type("Evaluation context", "{\"targetingKey\": \"" + user + "\"}");
            console.click("Evaluate");
            String tried = console.awaitText(By.cssSelector(".try-answer"), "reason").getText();
            String served = given().baseUri(Platform.gatewayUrl()).auth().oauth2(clientKey)
                    .contentType(ContentType.JSON).body(Map.of("context", Map.of("targetingKey", user)))
                    .when().post("/ofrep/v1/evaluate/flags/checkout-redesign").then().statusCode(200)
                    .extract().path("variant");
            assertTrue(tried.contains("variant " + served + ","), tried + " vs OFREP's " + served);
        }

        // switched off: everyone gets the default variant
        console.await(By.xpath("//label[contains(., 'Enabled')]/input")).click();
        console.click("Review changes");
        console.click("Save");
        console.awaitText(By.cssSelector(".page .muted"), "Version 2");
        assertEquals(0.0, ofrepShareOn(50));

        browser.findElement(By.linkText("Flags")).click();
        console.awaitText(By.cssSelector("table.flags"), "checkout-redesign");
        console.screenshot("console-flags");
        console.assertNoSeriousAccessibilityViolations("flags list");
    }

    @Test
    @Order(4)
    void anEditFromAnotherTabIsExplainedAndTheEditKept() throws Exception {
        browser.get(Platform.gatewayUrl() + "/console/p/" + project + "/flags/production/checkout-redesign");
        console.await(By.xpath("//h1[text()='checkout-redesign']"));
        // meanwhile someone else changes it
        JsonNode current = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey)
                .when().get(flagPath).then().statusCode(200).extract().asString());
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).contentType(ContentType.JSON)
                .body(JSON.writeValueAsString(((com.fasterxml.jackson.databind.node.ObjectNode) current.get(
                        "definition")).put("defaultVariant", "on")))
                .header("If-Match", "\"2\"")
                .when().put(flagPath).then().statusCode(200);
        console.await(By.xpath("//label[contains(., 'Enabled')]/input")).click();
        console.click("Review changes");
        console.click("Save");
        String stale = console.awaitText(By.cssSelector(".stale"), "while you were editing").getText();
        assertTrue(stale.contains("version 2 → 3"), stale);
        console.screenshot("console-flag-stale");
        console.click("Save over theirs");
        console.awaitText(By.cssSelector(".page .muted"), "Version 4");
        console.assertNoSeriousAccessibilityViolations("flag editor");
    }

    @Test
    @Order(5)
    void aViewerReadsButTheApiRefusesTheirWritesAndCrossSiteWritesFail() throws Exception {
        browser.findElement(By.linkText("Members")).click();
        console.type("Email", "viewer-" + UUID.randomUUID() + "@example.com");
        console.select("Role", "viewer");
        console.click("Invite");
        String link = console.await(By.cssSelector("code.invitation-link")).getText();
        console.screenshot("console-members");
        console.assertNoSeriousAccessibilityViolations("members");
        // the project's activity names the person behind the key and the invitation
        browser.findElement(By.linkText("Settings")).click();
        console.awaitText(By.cssSelector("section[aria-label=Activity] tbody"), "invitation.created");
        String activity = browser.findElement(By.cssSelector("section[aria-label=Activity] tbody")).getText();
        assertTrue(activity.contains("person:" + ownerEmail) && activity.contains("key.issued"), activity);
        console.screenshot("console-settings");
        console.assertNoSeriousAccessibilityViolations("settings");
        console.signOut();

        browser.get(link);
        console.await(By.id("join-title"));
        console.type("Your name", "Vic Viewer");
        console.type("Choose a password", PASSWORD);
        console.click("Join");
        console.await(By.cssSelector("nav.side"));
        browser.get(Platform.gatewayUrl() + "/console/p/" + project + "/flags/production/checkout-redesign");
        console.awaitText(By.cssSelector(".notice"), "editors change it");
        console.screenshot("console-viewer");

        Cookie cookie = browser.manage().getCookieNamed("fw_session");
        assertTrue(cookie.isHttpOnly(), "the session cookie is HttpOnly");
        String session = cookie.getValue();
        String csrf = given().baseUri(Platform.gatewayUrl()).cookie("fw_session", session)
                .when().get("/api/v1/me").then().statusCode(200).extract().path("csrfToken");
        Map<String, Object> disabled = Map.of("state", "DISABLED", "variants", Map.of("on", true, "off", false),
                "defaultVariant", "off");
        given().baseUri(Platform.gatewayUrl()).cookie("fw_session", session).header("X-CSRF-Token", csrf)
                .contentType(ContentType.JSON).body(disabled).when().put(flagPath).then().statusCode(403)
                .body("detail", org.hamcrest.Matchers.containsString("editor role"));
        given().baseUri(Platform.gatewayUrl()).cookie("fw_session", session).header("X-CSRF-Token", csrf)
                .contentType(ContentType.JSON).body(Map.of("kind", "admin"))
                .when().post("/api/v1/projects/" + project + "/keys").then().statusCode(403);
        // a page on another site cannot write with the cookie: no token, or a foreign Origin
        given().baseUri(Platform.gatewayUrl()).cookie("fw_session", session).contentType(ContentType.JSON)
                .body(Map.of("currentPassword", PASSWORD, "newPassword", "hijacked password"))
                .when().put("/api/v1/me/password").then().statusCode(403);
        given().baseUri(Platform.gatewayUrl()).cookie("fw_session", session).header("X-CSRF-Token", csrf)
                .header("Origin", "https://evil.example").contentType(ContentType.JSON)
                .body(Map.of("currentPassword", PASSWORD, "newPassword", "hijacked password"))
                .when().put("/api/v1/me/password").then().statusCode(403);
        console.signOut();
        given().baseUri(Platform.gatewayUrl()).cookie("fw_session", session).when().get("/api/v1/me")
                .then().statusCode(401);
    }

    @Test
    @Order(6)
    void anExperimentsPlottedResultsEqualTheApis() throws Exception {
        String server = Tenants.key(project, "server", "production");
        String experiments = "/api/v1/projects/" + project + "/environments/production/experiments";
        // the metric, defined in the console
        console.signIn(ownerEmail, PASSWORD);
        browser.findElement(By.linkText("Metrics")).click();
        console.type("Key", "purchased");
        console.type("Name", "Purchased");
        console.type("Event", "Order Completed");
        console.type("Window after exposure", "24");
        console.click("Create metric");
        console.awaitText(By.cssSelector("table.table"), "Order Completed");
        console.screenshot("console-metrics");
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).when()
                .get("/api/v1/projects/" + project + "/experiment-metrics/purchased").then().statusCode(200)
                .body("windowSeconds", org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.equalTo(86_400),
                        org.hamcrest.Matchers.equalTo("86400")));
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).contentType(ContentType.JSON)
                .body(Map.of("name", "One-page checkout", "variations", List.of(Map.of("key", "control", "value",
                        false), Map.of("key", "one-page", "value", true)), "metrics", Map.of("primary",
                                List.of("purchased"))))
                .when().put(experiments + "/one-page").then().statusCode(201);

        browser.get(Platform.gatewayUrl() + "/console/p/" + project + "/experiments/production/one-page");
        console.click("Start");
        console.awaitText(By.cssSelector(".page .muted"), "running");
        // a preview answers what a user will get, and assigns no one
        console.type("Preview a user", "{\"id\": \"shopper-0\"}");
        console.click("Preview");
        String previewed = console.awaitText(By.cssSelector(".preview-answer"), "Nothing was recorded").getText();
        console.screenshot("console-experiment-preview");

        int users = 400;
        Random random = new Random(20261203L);
        List<String> buyers = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = "shopper-" + u;
            Response assigned = given().baseUri(Platform.gatewayUrl()).auth().oauth2(clientKey)
                    .contentType(ContentType.JSON).body(Map.of("attributes", Map.of("id", user)))
                    .when().post("/api/v1/assign/one-page");
            assigned.then().statusCode(200);
            int variation = assigned.jsonPath().getInt("variationIndex");
            if (u == 0) {
                assertTrue(previewed.startsWith("Gets " + assigned.jsonPath().getString("variationKey") + " "),
                        previewed + " vs " + assigned.asString());
            }
            if (random.nextDouble() < (variation == 1 ? 0.45 : 0.30)) {
                buyers.add(user);
            }
        }
        StringBuilder batch = new StringBuilder("{\"batch\": [");
        Instant now = Instant.now();
        for (int i = 0; i < buyers.size(); i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\": \"track\", \"event\": \"Order Completed\", ")
                    .append("\"userId\": \"").append(buyers.get(i)).append("\", \"timestamp\": \"").append(now)
                    .append("\"}");
        }
        given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(clientKey, "")
                .contentType("application/json").body(batch.append("]}").toString())
                .when().post("/v1/batch").then().statusCode(200);
        JsonNode results = ExperimentResults.awaitCounted(experiments + "/one-page/results", server, users,
                buyers.size(), Duration.ofSeconds(120));
        JsonNode comparison = results.get("metrics").get(0).get("variations").get(1).get("comparison");

        browser.navigate().refresh();
        WebElement plot = console.await(By.cssSelector("[data-metric=purchased] .forest svg"));
        assertTrue(plot.isDisplayed());
        String plotted = browser.findElement(By.cssSelector("[data-metric=purchased] .forest"))
                .getDomAttribute("data-estimates");
        assertEquals(comparison.get("estimate").asDouble(), Double.parseDouble(plotted), 1e-12);
        String shown = browser.findElement(By.cssSelector("[data-metric=purchased] tr[data-variation=one-page] "
                + "td[data-estimate]")).getText();
        assertEquals(comparison.get("estimate").asDouble() * 100, Double.parseDouble(shown.replace("%", "")), 0.051,
                shown);
        console.screenshot("console-experiment-results");

        // over time: once the day's snapshot holds the counted sums, the page draws it
        double estimate = comparison.get("estimate").asDouble();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode days = null;
        while (System.nanoTime() < deadline) {
            days = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(server)
                    .contentType(ContentType.JSON).body(Map.of("overTime", true, "metricKeys", List.of("purchased")))
                    .when().post(experiments + "/one-page/results").then().statusCode(200).extract().asString())
                    .path("overTime");
            if (days.size() == 1 && days.get(0).get("metrics").get(0).get("variations").get(1).get("comparison")
                    .path("estimate").asDouble() == estimate) {
                break;
            }
            Thread.sleep(2000);
        }
        assertEquals(1, days.size(), days::toString);
        browser.findElement(By.cssSelector("[data-metric=purchased] .over-time-details summary")).click();
        WebElement overTime = console
                .await(By.cssSelector("[data-metric=purchased] .over-time-chart[data-days='1'] svg"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", overTime);
        console.screenshot("console-experiment-over-time");
        console.assertNoSeriousAccessibilityViolations("experiment results");
    }

    // --- helpers ---

    /** The share of users the flag serves true, evaluated through OFREP with the console-issued client key. */
    private double ofrepShareOn(int users) {
        int on = 0;
        for (int u = 0; u < users; u++) {
            Boolean value = given().baseUri(Platform.gatewayUrl()).auth().oauth2(clientKey)
                    .contentType(ContentType.JSON).body(Map.of("context", Map.of("targetingKey", "user-" + u)))
                    .when().post("/ofrep/v1/evaluate/flags/checkout-redesign").then().statusCode(200)
                    .extract().path("value");
            on += Boolean.TRUE.equals(value) ? 1 : 0;
        }
        return on / (double) users;
    }
}
