package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.path.json.JsonPath;

/**
 * Simulated product traffic with a planted activation action, sent through the Segment API: 200 people sign up
 * 26 to 30 days ago and view the onboarding; the 80 who then create a project come back in their second week at
 * 70 %, the others (who browse templates) at 20 %; half of everybody views the help, which has nothing to do with
 * staying. Activation discovery must rank the planted action first with an interval above zero, correlation must
 * find it, paths must show the journey, and the suggested experiment and survey must be accepted as they are.
 */
@ExtendWith(Platform.class)
class ValueMapE2ETest {

    private static final int PEOPLE = 200;

    private static String project;
    private static String adminKey;
    private static LocalDate firstDay;

    @BeforeAll
    static void traffic() throws Exception {
        project = Tenants.project("value-map");
        adminKey = Tenants.key(project, "admin", null);
        // events of past weeks are an import: a server key at /v1/import (a browser's are clamped to now)
        String serverKey = Tenants.key(project, "server", "production");
        firstDay = LocalDate.now(ZoneOffset.UTC).minusDays(30);
        List<String> events = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            String person = "person-" + i;
            Instant start = firstDay.plusDays(i % 5).atTime(9, 0).toInstant(ZoneOffset.UTC).plusSeconds(i);
            boolean creates = i % 5 < 2;
            int cohort = i / 5 % 10;
            boolean stays = creates ? cohort < 7 : cohort < 2;
            events.add(track(person, "Signed Up", start));
            events.add(track(person, "Viewed Onboarding", start.plusSeconds(60)));
            events.add(track(person, creates ? "Created Project" : "Browsed Templates", start.plusSeconds(120)));
            if (i % 2 == 0) {
                events.add(track(person, "Viewed Help", start.plus(Duration.ofDays(1))));
            }
            if (stays) {
                events.add(track(person, "Came Back", start.plus(Duration.ofDays(8))));
            }
        }
        for (int from = 0; from < events.size(); from += 100) {
            String batch = "{\"batch\": [" + String.join(", ", events.subList(from, Math.min(events.size(), from
                    + 100))) + "]}";
            given().baseUri(Platform.gatewayUrl()).auth().preemptive().basic(serverKey, "")
                    .contentType("application/json").body(batch).when().post("/v1/import").then().statusCode(200);
        }
    }

    private static String track(String person, String event, Instant at) {
        return "{\"type\": \"track\", \"event\": \"" + event + "\", \"userId\": \"" + person + "\", \"timestamp\": \""
                + at + "\"}";
    }

    private static String api() {
        return "/api/v1/projects/" + project + "/environments/production/";
    }

    private static JsonPath query(String name, String body) {
        return given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).contentType("application/json")
                .body(body).when().post(api() + "analytics/" + name).then().statusCode(200).extract().jsonPath();
    }

    private static String cohortRange() {
        return "{\"from\": \"" + firstDay + "\", \"to\": \"" + firstDay.plusDays(4) + "\"}";
    }

    private static final String ACTIVATION = """
            {"range": %s, "actionDays": 3, "returnFromDay": 7, "returnToDay": 14, "thresholds": [1, 2],
             "minPeople": 20}""";

    /** Activation discovery once every event has landed (the last ones counted are the returns). */
    private static JsonPath landed() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonPath answer = query("activation-discovery", ACTIVATION.formatted(cohortRange()));
        while ((answer.getLong("newPeople") != PEOPLE || answer.getLong("retained") != 56 + 24)
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
            answer = query("activation-discovery", ACTIVATION.formatted(cohortRange()));
        }
        return answer;
    }

    @Test
    void activationDiscoveryRanksThePlantedActionFirstAndItsNextStepsAreAccepted() throws Exception {
        JsonPath answer = landed();
        assertEquals(PEOPLE, answer.getLong("newPeople"));
        assertEquals(PEOPLE, answer.getLong("observed"));
        assertEquals(80, answer.getLong("retained"), "56 of the 80 who created a project, 24 of the 120 others");
        Map<String, Object> first = answer.getMap("candidates[0]");
        assertEquals("Created Project", first.get("action"));
        assertEquals(1, first.get("atLeast"));
        assertEquals(0.4, ((Number) first.get("coverage")).doubleValue(), 1e-6); // JsonPath reads floats
        assertEquals(0.7, ((Number) first.get("retention")).doubleValue(), 1e-6); // JsonPath reads floats
        assertEquals(0.2, ((Number) first.get("othersRetention")).doubleValue(), 1e-6); // JsonPath reads floats
        assertTrue(((Number) first.get("liftLower")).doubleValue() > 0, "the interval excludes zero: " + first);
        assertEquals(Boolean.TRUE, first.get("significant"));
        assertTrue(answer.getString("caution").contains("not cause"));
        List<String> ranked = answer.getList("candidates.action");
        assertEquals("Browsed Templates", ranked.get(ranked.size() - 1), "its mirror image stays last: " + ranked);
        Map<String, Object> help = answer.getMap("candidates.find { it.action == 'Viewed Help' }");
        assertTrue(((Number) help.get("liftLower")).doubleValue() < 0 && ((Number) help.get("liftUpper"))
                .doubleValue() > 0, "the decoy's interval holds zero: " + help);

        given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).contentType("application/json")
                .body(first.get("experimentDefinitionJson")).when().put(api() + "experiments/" + first.get(
                        "experimentKey"))
                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).contentType("application/json")
                .body(first.get("surveyDefinitionJson")).when().put(api() + "surveys/" + first.get("surveyKey"))
                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
    }

    @Test
    void funnelCorrelationFindsThePlantedActionAndPathsShowTheJourney() throws Exception {
        landed();
        JsonPath correlation = query("funnel-correlation", """
                {"funnel": {"steps": [{"event": "Signed Up"}, {"event": "Came Back"}], "windowSeconds": 1209600,
                            "range": %s},
                 "options": {"minPeople": 20}}""".formatted(cohortRange()));
        assertEquals(80, correlation.getLong("successes"));
        assertEquals(120, correlation.getLong("failures"));
        Map<String, Object> top = correlation.getMap("candidates[0]");
        assertTrue(List.of("Created Project", "Browsed Templates").contains(top.get("event")), top.toString());
        Map<String, Object> created = correlation.getMap("candidates.find { it.event == 'Created Project' }");
        assertEquals(List.of(56, 24, 24, 96), List.of(created.get("successWith"), created.get("failureWith"), created
                .get("successWithout"), created.get("failureWithout")));
        assertTrue(((Number) created.get("oddsRatioLower")).doubleValue() > 1, created.toString());

        JsonPath paths = query("paths", """
                {"start": "Signed Up", "steps": 3, "range": %s}""".formatted(cohortRange()));
        assertEquals(PEOPLE, paths.getLong("people"));
        assertEquals(PEOPLE, paths.getLong("edges.find { it.step == 1 && it.from == 'Signed Up' }.people"));
        assertEquals(80, paths.getLong(
                "edges.find { it.step == 2 && it.from == 'Viewed Onboarding' && it.to == 'Created Project' }.people"));
        assertEquals(120, paths.getLong(
                "edges.find { it.step == 2 && it.to == 'Browsed Templates' }.people"));
    }
}
