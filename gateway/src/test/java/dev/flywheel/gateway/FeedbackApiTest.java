package dev.flywheel.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The gateway's side of surveys and the widget: which keys may do what, and which bodies are refused before the
 * feedback service is asked. The service is not running here (accepted requests end in 503); the whole path runs
 * in e2e-tests.
 */
@QuarkusTest
class FeedbackApiTest {

    String project;
    String adminKey;
    String client;
    String surveys;

    @BeforeEach
    void tenant() {
        project = AdminFixtures.project();
        adminKey = AdminFixtures.adminKey(project);
        client = AdminFixtures.key(project, "client", "production");
        surveys = "/api/v1/projects/" + project + "/environments/production/surveys";
    }

    @Test
    void surveysAreManagedWithAnAdminKey() {
        given().auth().oauth2(adminKey).contentType("application/json").body("{}").when().put(surveys + "/nps")
                .then().statusCode(503);
        given().auth().oauth2(client).contentType("application/json").body("{}").when().put(surveys + "/nps")
                .then().statusCode(403);
        given().auth().oauth2(AdminFixtures.adminKey(AdminFixtures.project())).when().get(surveys)
                .then().statusCode(403);
        given().auth().oauth2(adminKey).contentType("application/json").body("{\"status\": \"paused\"}")
                .when().post(surveys + "/nps/status").then().statusCode(400).body("detail", containsString("running"));
        given().auth().oauth2(adminKey).when().get(surveys + "/nps/results?breakdown=colour&by=x")
                .then().statusCode(400).body("detail", containsString("breakdown"));
        given().auth().oauth2(adminKey).when().get(surveys + "/nps/results?breakdown=experiment")
                .then().statusCode(400).body("detail", containsString("by"));
        given().auth().oauth2(adminKey).when().get(surveys + "/nps/results?from=yesterday")
                .then().statusCode(400).body("detail", containsString("from"));
        given().auth().oauth2(AdminFixtures.key(project, "server", "production"))
                .when().get(surveys + "/nps/results").then().statusCode(503);
        given().auth().oauth2(client).when().get(surveys + "/nps/results").then().statusCode(403);
        given().when().get(surveys).then().statusCode(401);
        // Oversized bodies are refused before any service is asked.
        given().auth().oauth2(adminKey).contentType("application/json")
                .body("{\"name\": \"" + "x".repeat(70_000) + "\"}").when().put(surveys + "/nps")
                .then().statusCode(413).contentType("application/problem+json");
        given().auth().oauth2(client).contentType("application/json")
                .body("{\"answers\": [{\"questionId\": \"" + "q".repeat(70_000) + "\"}]}")
                .when().post("/api/v1/surveys/nps/answers").then().statusCode(413);
    }

    @Test
    void aPersonsAnswersAreReadWithReaderKeys() {
        String answers = "/api/v1/projects/" + project + "/environments/production/survey-answers";
        given().auth().oauth2(adminKey).queryParam("person", "u-1").queryParam("person", "anon-1").when()
                .get(answers).then().statusCode(503);
        given().auth().oauth2(AdminFixtures.key(project, "server", "production")).queryParam("person", "u-1")
                .when().get(answers).then().statusCode(503);
        given().auth().oauth2(AdminFixtures.key(project, "client", "production")).queryParam("person", "u-1")
                .when().get(answers).then().statusCode(403);
        given().queryParam("person", "u-1").when().get(answers).then().statusCode(401);
        given().auth().oauth2(adminKey).queryParam("limit", "many").when().get(answers).then().statusCode(400);
    }

    @Test
    void browsersAnswerWithAClientKey() {
        given().auth().oauth2(client).contentType("application/json")
                .body("{\"person\": {\"anonymousId\": \"a1\"}, \"url\": \"https://x/y\", \"properties\": {\"plan\": \"pro\"},"
                        + " \"flags\": {\"f\": \"on\"}}")
                .when().post("/api/v1/surveys/next").then().statusCode(503);
        given().auth().oauth2(client).contentType("application/json").body("{\"person\": 3}")
                .when().post("/api/v1/surveys/next").then().statusCode(400).body("detail", containsString("person"));
        given().auth().oauth2(client).contentType("application/json").body("{\"colour\": 3}")
                .when().post("/api/v1/surveys/next").then().statusCode(400).body("detail", containsString("colour"));
        given().auth().oauth2(client).contentType("application/json").body("not json")
                .when().post("/api/v1/surveys/next").then().statusCode(400);
        given().auth().oauth2(client).contentType("application/json")
                .body("{\"surveyKey\": \"other\", \"answers\": [{\"questionId\": \"q\", \"value\": 9}]}")
                .when().post("/api/v1/surveys/nps/answers").then().statusCode(400)
                .body("detail", containsString("surveyKey"));
        given().auth().oauth2(client).contentType("application/json")
                .body("{\"answers\": [{\"questionId\": \"q\", \"value\": [\"a\", {\"b\": 1}]}]}")
                .when().post("/api/v1/surveys/nps/answers").then().statusCode(503);
        given().auth().oauth2(client).contentType("application/json")
                .body("{\"rating\": 5, \"screenshotPng\": \"***not base64***\"}")
                .when().post("/api/v1/feedback").then().statusCode(400)
                .body("detail", containsString("screenshotPng"));
        given().auth().oauth2(client).contentType("application/json")
                .body("{\"rating\": 5, \"comment\": \"" + "x".repeat(3_000_000) + "\"}")
                .when().post("/api/v1/feedback").then().statusCode(413);
        given().auth().oauth2(adminKey).contentType("application/json").body("{}")
                .when().post("/api/v1/surveys/next").then().statusCode(403);
    }
}
