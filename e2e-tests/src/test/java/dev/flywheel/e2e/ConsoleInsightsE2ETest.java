package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The console's insights in headless Chromium over simulated traffic: 120 people view pricing over a week, three in
 * four sign up, half purchase, a third come back six days later. Each insight is asked through the page; what the
 * page plots is compared with what the gateway answers to the very requests the page made (replayed with an admin
 * key), and with the numbers the traffic was built to give. Screenshots: target/screenshots/insights-*.png.
 */
@ExtendWith(Platform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleInsightsE2ETest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int PEOPLE = 120;

    ConsoleBrowser console;
    String project;
    String adminKey;

    @BeforeAll
    void traffic() throws Exception {
        project = Tenants.project("insights-" + UUID.randomUUID().toString().substring(0, 8));
        adminKey = Tenants.key(project, "admin", null);
        String serverKey = Tenants.key(project, "server", "production");
        LocalDate firstDay = LocalDate.now(ZoneOffset.UTC).minusDays(13);
        List<String> events = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            String person = "shopper-" + i;
            Instant start = firstDay.plusDays(i % 7).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(i);
            String plan = plan(i);
            events.add(track(person, "Viewed Pricing", start, plan));
            if (signsUp(i)) {
                events.add(track(person, "Signed Up", start.plusSeconds(300), plan));
                if (purchases(i)) {
                    events.add(track(person, "Purchased", start.plusSeconds(1800), plan));
                }
            }
            if (i % 3 == 0) {
                events.add(track(person, "Came Back", start.plus(Duration.ofDays(6)), plan));
            }
        }
        for (int from = 0; from < events.size(); from += 100) {
            given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(serverKey, "")
                    .contentType("application/json").body("{\"batch\": [" + String.join(", ", events.subList(from,
                            Math.min(events.size(), from + 100))) + "]}")
                    .when().post("/v1/import").then().statusCode(200);
        }
        console = new ConsoleBrowser();
        console.joinAs(project, "analyst-" + UUID.randomUUID() + "@example.com", "editor", "Ada Analyst",
                "an analyst's long password");
    }

    @AfterAll
    void close() {
        if (console != null) {
            console.close();
        }
    }

    static String plan(int person) {
        return person % 3 == 0 ? "pro" : "free";
    }

    static boolean signsUp(int person) {
        return person % 4 != 3;
    }

    static boolean purchases(int person) {
        return signsUp(person) && person % 2 == 0;
    }

    static String track(String person, String event, Instant at, String plan) {
        return "{\"type\": \"track\", \"event\": \"" + event + "\", \"userId\": \"" + person + "\", \"timestamp\": \""
                + at + "\", \"properties\": {\"plan\": \"" + plan + "\"}}";
    }

    @Test
    @Order(1)
    void aFunnelShowsEachStepAsTheApiCountsItFilteredAndFromASharedLink() throws Exception {
        awaitLanded();
        console.open("/console/p/" + project + "/insights/production");
        chooseKind("Funnel");
        console.type("Step 1", "Viewed Pricing");
        console.type("Step 2", "Signed Up");
        console.click("Add step");
        console.type("Step 3", "Purchased");
        console.click("Run");
        JsonNode plotted = plotted(".funnel-chart");
        assertEquals(JSON.readTree("{\"everybody\": [120, 90, 60]}"), plotted);
        assertEquals(plotted, countsPerGroup(replay().get("funnel")));
        shoot("insights-funnel");
        console.assertNoSeriousAccessibilityViolations("funnel insight");

        // only the pro plan: a third of everybody
        console.click("Add filter");
        console.type("Filter 1 property", "plan");
        console.type("Filter 1 values", "pro");
        console.click("Run");
        console.awaitText(By.cssSelector("section[aria-label=Answer]"), "Computed");
        int[] pro = new int[3];
        for (int i = 0; i < PEOPLE; i++) {
            if (plan(i).equals("pro")) {
                pro[0]++;
                pro[1] += signsUp(i) ? 1 : 0;
                pro[2] += purchases(i) ? 1 : 0;
            }
        }
        JsonNode filtered = console.waitFor(() -> {
            JsonNode now = plotted(".funnel-chart");
            return now.get("everybody").get(0).asInt() == pro[0] ? now : null;
        }, "the filtered funnel");
        assertEquals(JSON.valueToTree(java.util.Map.of("everybody", pro)), filtered);
        assertEquals(filtered, countsPerGroup(replay().get("funnel")));

        // the page's URL is the question: opened afresh, it answers the same
        String shared = console.driver.getCurrentUrl();
        assertTrue(shared.contains("?q="), shared);
        console.open("/console/");
        console.driver.get(shared);
        assertEquals(filtered, plotted(".funnel-chart"));
    }

    @Test
    @Order(2)
    void trendsPlotEverySeriesAndThePreviousPeriod() throws Exception {
        console.open("/console/p/" + project + "/insights/production");
        chooseKind("Trends");
        console.type("Series 1 event", "Viewed Pricing");
        console.select("Series 1 measure", "unique people");
        console.click("Add series");
        console.type("Series 2 event", "Purchased");
        console.field("compare with the previous period").click();
        console.click("Run");
        JsonNode plotted = plotted(".trends-chart");
        JsonNode answers = replay();
        List<Integer> pricing = values(plotted.get("Viewed Pricing (unique people)"));
        assertEquals(values(answers.get("series 1").get("series").get(0).get("points").findValues("value")),
                pricing);
        assertEquals(PEOPLE, pricing.stream().mapToInt(Integer::intValue).sum(), "each person viewed pricing once");
        assertEquals(values(answers.get("series 2").get("series").get(0).get("points").findValues("value")),
                values(plotted.get("Purchased (total)")));
        assertEquals(0, values(plotted.get("Viewed Pricing (unique people) (previous period)")).stream()
                .mapToInt(Integer::intValue).sum(), "nothing happened in the 30 days before");
        shoot("insights-trends");
    }

    @Test
    @Order(3)
    void retentionIsAHeatTableWhoseCellsAreTheApisCounts() throws Exception {
        chooseKind("Retention");
        console.type("Cohort event", "Viewed Pricing");
        console.type("Return event", "Came Back");
        console.click("Run");
        console.await(By.cssSelector("table.heat tbody tr"));
        List<JsonNode> cohorts = new ArrayList<>();
        replay().get("retention").get("cohorts").forEach(cohort -> {
            if (cohort.get("size").asInt() > 0) {
                cohorts.add(cohort); // the page leaves out cohorts without people
            }
        });
        List<WebElement> rows = console.driver.findElements(By.cssSelector("table.heat tbody tr"));
        assertEquals(cohorts.size(), rows.size());
        int returned = 0;
        for (int r = 0; r < rows.size(); r++) {
            List<WebElement> cells = rows.get(r).findElements(By.cssSelector("td[data-count]"));
            JsonNode counts = cohorts.get(r).get("counts");
            assertEquals(counts.size(), cells.size());
            for (int k = 0; k < cells.size(); k++) {
                assertEquals(counts.get(k).asInt(), Integer.parseInt(cells.get(k).getDomAttribute("data-count")));
                returned += k == 6 ? counts.get(k).asInt() : 0;
            }
        }
        assertEquals(PEOPLE / 3, returned, "a third came back on day 6");
        // a cell's people are its count
        WebElement cell = rows.get(0).findElements(By.cssSelector("td[data-count]")).get(6);
        String count = cell.getDomAttribute("data-count");
        cell.findElement(By.tagName("button")).click();
        console.awaitText(By.cssSelector(".people-list h2"), "period 6 (" + count + ")");
        assertEquals(Integer.parseInt(count), console.driver.findElements(By.cssSelector(".people-list li")).size());
        shoot("insights-retention");
        console.assertNoSeriousAccessibilityViolations("retention insight");
    }

    @Test
    @Order(4)
    void pathsAreAFlowOfTheApisMoves() throws Exception {
        chooseKind("Paths");
        console.type("Starting at", "Viewed Pricing");
        console.click("Run");
        JsonNode links = plotted(".paths-chart");
        JsonNode edges = replay().get("paths").get("edges");
        assertEquals(edges.size(), links.size());
        for (int e = 0; e < edges.size(); e++) {
            JsonNode edge = edges.get(e);
            JsonNode link = links.get(e);
            assertEquals(edge.get("step").asInt() + ". " + edge.get("from").asText(), link.get("source").asText());
            assertEquals(edge.get("step").asInt() + 1 + ". " + edge.get("to").asText(), link.get("target").asText());
            assertEquals(edge.get("people").asInt(), link.get("value").asInt());
        }
        assertTrue(links.toString().contains("\"source\":\"1. Viewed Pricing\",\"target\":\"2. Signed Up\","
                + "\"value\":90"), links.toString());
        console.await(By.cssSelector(".paths-chart svg"));
        shoot("insights-paths");
    }

    @Test
    @Order(5)
    void lifecycleAndStickinessPlotTheApisNumbers() throws Exception {
        chooseKind("Lifecycle");
        console.click("Run");
        JsonNode lifecycle = plotted(".lifecycle-chart");
        JsonNode periods = replay().get("lifecycle").get("periods");
        assertEquals(values(periods.findValues("new")), values(lifecycle.get("new")));
        assertEquals(values(periods.findValues("dormant")), values(lifecycle.get("dormant")));
        assertEquals(PEOPLE, values(lifecycle.get("new")).stream().mapToInt(Integer::intValue).sum());
        shoot("insights-lifecycle");

        chooseKind("Stickiness");
        console.click("Run");
        JsonNode stickiness = plotted(".stickiness-chart");
        assertEquals(replay().get("stickiness").get("stickiness"), stickiness);
        // one active day for the two in three who never came back, two for the others
        assertEquals(PEOPLE * 2 / 3, stickiness.get(0).asInt());
        assertEquals(PEOPLE / 3, stickiness.get(1).asInt());
    }

    @Test
    @Order(6)
    void activationDiscoveryTurnsACandidateIntoAnExperimentWithOneClick() throws Exception {
        chooseKind("Activation discovery");
        console.type("Actions in the first", "3");
        console.type("Returned from day", "5");
        console.type("Returned to day", "7");
        console.type("Thresholds", "1");
        console.type("Minimum people", "5");
        console.click("Run");
        WebElement first = console.await(By.cssSelector("table.activation tbody tr[data-candidate]"));
        JsonNode candidates = replay().get("activation-discovery").get("candidates");
        assertEquals(candidates.get(0).get("action").asText() + " ≥ 1", first.getDomAttribute("data-candidate"));
        assertEquals(candidates.get(0).get("lift").asDouble(), Double.parseDouble(first.getDomAttribute(
                "data-lift")), 1e-12);
        shoot("insights-activation");
        String experiment = candidates.get(0).get("experimentKey").asText();
        first.findElement(By.xpath(".//button[normalize-space(.)='Create experiment']")).click();
        console.follow("Open experiment " + experiment);
        console.awaitText(By.id("page-title"), "");
        assertTrue(console.driver.getCurrentUrl().endsWith("/experiments/production/" + experiment));
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).when().get("/api/v1/projects/" + project
                + "/environments/production/experiments/" + experiment).then().statusCode(200);
        shoot("insights-activation-experiment");
    }

    @Test
    @Order(7)
    void anEditorSavesInsightsAndArrangesThemOnADashboard() throws Exception {
        // two questions, saved by name
        console.open("/console/p/" + project + "/insights/production?q=" + java.net.URLEncoder.encode(
                "{\"kind\":\"funnel\",\"steps\":[\"Viewed Pricing\",\"Signed Up\",\"Purchased\"]}",
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        plotted(".funnel-chart");
        console.type("Insight name", "Pricing funnel");
        console.click("Save insight");
        console.awaitText(By.id("page-title"), "Pricing funnel");
        assertTrue(console.driver.getCurrentUrl().contains("/insights/production/pricing-funnel"),
                console.driver.getCurrentUrl());
        chooseKind("Lifecycle");
        console.click("Run");
        plotted(".lifecycle-chart");
        console.type("Insight name", "Who is new");
        console.click("Save as new");
        console.awaitText(By.id("page-title"), "Who is new");
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).when()
                .get("/api/v1/projects/" + project + "/insights/who-is-new").then().statusCode(200)
                .body("kind", org.hamcrest.Matchers.equalTo("lifecycle"))
                .body("updatedBy", org.hamcrest.Matchers.startsWith("person:"));

        // a dashboard of both, the lifecycle twice as wide
        console.follow("Dashboards");
        console.type("Dashboard name", "Growth weekly");
        console.click("Create dashboard");
        console.awaitText(By.id("page-title"), "Growth weekly");
        console.select("Add a saved insight", "Pricing funnel");
        console.click("Add tile");
        console.select("Add a saved insight", "Who is new");
        console.click("Add tile");
        console.await(By.xpath("//section[@data-insight='who-is-new']//button[normalize-space(.)='Wider']")).click();
        console.click("Save dashboard");
        console.awaitText(By.cssSelector(".page .muted"), "Version 2");
        JsonNode board = JSON.readTree(given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).when()
                .get("/api/v1/projects/" + project + "/dashboards/growth-weekly").then().statusCode(200)
                .extract().asString());
        assertEquals("[{\"insightKey\":\"pricing-funnel\",\"width\":1},{\"insightKey\":\"who-is-new\","
                + "\"width\":2}]", board.get("tiles").toString());
        console.await(By.cssSelector(".board[data-all-drawn=true] .lifecycle-chart svg"));
        assertEquals(JSON.readTree("{\"everybody\": [120, 90, 60]}"), plotted("[data-insight=pricing-funnel] "
                + ".funnel-chart"));
        shoot("dashboard-editor");
    }

    @Test
    @Order(8)
    void aViewerSeesTheDashboardFromTheSameAnswersAndCannotChangeIt() throws Exception {
        String computed = console.await(By.cssSelector("[data-insight=pricing-funnel] .computed"))
                .getDomAttribute("data-computed-at");
        console.signOut();
        console.joinAs(project, "viewer-" + UUID.randomUUID() + "@example.com", "viewer", "Vera Viewer",
                "a viewer's long password");
        console.open("/console/p/" + project + "/dashboards/growth-weekly");
        console.await(By.cssSelector(".board[data-all-drawn=true] .funnel-chart svg"));
        assertEquals(JSON.readTree("{\"everybody\": [120, 90, 60]}"), plotted("[data-insight=pricing-funnel] "
                + ".funnel-chart"));
        // the gateway kept the editor's answer: the viewer is shown it, with when it was computed
        assertEquals(computed, console.await(By.cssSelector("[data-insight=pricing-funnel] .computed"))
                .getDomAttribute("data-computed-at"));
        console.awaitText(By.cssSelector(".notice"), "editors arrange it");
        assertTrue(console.driver.findElements(By.xpath("//button[normalize-space(.)='Add tile' or "
                + "normalize-space(.)='Save dashboard' or normalize-space(.)='Wider']")).isEmpty(),
                "a viewer has no controls to change it");
        shoot("dashboard-viewer");
        console.assertNoSeriousAccessibilityViolations("dashboard");

        // the API refuses the viewer's change itself
        String csrf = console.asThisSession().when().get("/api/v1/me").then().statusCode(200).extract()
                .path("csrfToken");
        console.asThisSession().header("X-CSRF-Token", csrf).contentType("application/json")
                .body("{\"name\": \"Mine now\", \"tiles\": []}")
                .when().put("/api/v1/projects/" + project + "/dashboards/growth-weekly")
                .then().statusCode(403).body("detail", org.hamcrest.Matchers.containsString("editor"));

        // Refresh computes again
        console.click("Refresh");
        console.waitFor(() -> {
            String now = console.driver.findElements(By.cssSelector("[data-insight=pricing-funnel] .computed"))
                    .stream().map(e -> e.getDomAttribute("data-computed-at")).findFirst().orElse(computed);
            return now.compareTo(computed) > 0 ? now : null;
        }, "a newer answer after Refresh");
    }

    // --- helpers ---

    /** A screenshot with the answer in view. */
    private void shoot(String name) throws Exception {
        console.js("(document.querySelector('section[aria-label=Answer]') || document.body)"
                + ".scrollIntoView({block: 'start'})");
        console.screenshot(name);
    }

    private void chooseKind(String label) {
        console.await(By.xpath("//div[@aria-label='Insight']/button[normalize-space(.)='" + label + "']")).click();
        console.await(By.xpath("//div[@aria-label='Insight']/button[normalize-space(.)='" + label
                + "' and @aria-pressed='true']"));
    }

    /** The numbers a chart plots (its data-values), once it is drawn. */
    private JsonNode plotted(String chart) {
        WebElement element = console.await(By.cssSelector(chart));
        console.await(By.cssSelector(chart + " svg"));
        try {
            return JSON.readTree(element.getDomAttribute("data-values"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The page's own requests (data-calls) sent again with an admin key: their answers by call name. */
    private JsonNode replay() throws Exception {
        WebElement answer = console.await(By.cssSelector("section[aria-label=Answer]"));
        ObjectNode answers = JSON.createObjectNode();
        for (JsonNode call : JSON.readTree(answer.getDomAttribute("data-calls"))) {
            String body = given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey)
                    .contentType("application/json").body(call.get("body").toString())
                    .when().post("/api/v1/projects/" + project + "/environments/production/analytics/"
                            + call.get("route").asText())
                    .then().statusCode(200).extract().asString();
            answers.set(call.get("name").asText(), JSON.readTree(body));
        }
        return answers;
    }

    private static JsonNode countsPerGroup(JsonNode funnel) {
        ObjectNode groups = JSON.createObjectNode();
        for (JsonNode group : funnel.get("groups")) {
            ArrayNode counts = groups.putArray(group.get("breakdown").asText().isEmpty()
                    ? "everybody"
                    : group.get("breakdown").asText());
            group.get("steps").forEach(step -> counts.add(step.get("count").asInt()));
        }
        return groups;
    }

    private static List<Integer> values(Iterable<JsonNode> nodes) {
        List<Integer> values = new ArrayList<>();
        for (Iterator<JsonNode> it = nodes.iterator(); it.hasNext();) {
            values.add(it.next().asInt());
        }
        return values;
    }

    /** Waits until every simulated event is counted (trends of any event, in total). */
    private void awaitLanded() throws InterruptedException {
        int events = PEOPLE + PEOPLE / 3;
        for (int i = 0; i < PEOPLE; i++) {
            events += (signsUp(i) ? 1 : 0) + (purchases(i) ? 1 : 0);
        }
        String body = "{\"metric\": {\"aggregation\": \"total\"}, \"interval\": \"month\", \"range\": {\"from\": \""
                + LocalDate.now(ZoneOffset.UTC).minusDays(20) + "\", \"to\": \"" + LocalDate.now(ZoneOffset.UTC)
                + "\"}}";
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int counted = 0;
        while (System.nanoTime() < deadline) {
            JsonNode series = given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey)
                    .contentType("application/json").body(body).when().post("/api/v1/projects/" + project
                            + "/environments/production/analytics/trends")
                    .then().statusCode(200).extract().as(JsonNode.class).get("series");
            counted = series.isEmpty() ? 0 : (int) series.get(0).get("total").asDouble();
            if (counted == events) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(counted + " of " + events + " simulated events counted after 90 s");
    }
}
