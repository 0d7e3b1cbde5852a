package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * A survey built in the console, in headless Chromium: an NPS question whose promoters end the survey (tried in the
 * live preview before saving), an open question, saved and started; ten people answer through the serving API; the
 * results page's NPS is the API's. Screenshots: target/screenshots/survey-*.png.
 */
@ExtendWith(Platform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleSurveysE2ETest {

    ConsoleBrowser console;
    String project;
    String client;
    String adminKey;

    @BeforeAll
    void start() throws Exception {
        project = Tenants.project("surveys-console");
        client = Tenants.key(project, "client", "production");
        adminKey = Tenants.key(project, "admin", null);
        console = new ConsoleBrowser();
        console.joinAs(project, "pm-" + UUID.randomUUID() + "@example.com", "editor", "Petra Product",
                "a product manager's long password");
    }

    @AfterAll
    void close() {
        if (console != null) {
            console.close();
        }
    }

    @Test
    void aSurveyIsBuiltTriedStartedAndItsResultsAreTheApis() throws Exception {
        console.open("/console/p/" + project + "/surveys/production");
        console.type("New survey key", "checkout-nps");
        console.click("Build survey");
        console.type("Survey name", "Checkout NPS");
        console.click("+ open text");
        console.type("Question 2 text", "What should we do better?");
        console.click("Add branch to question 1");
        console.type("Q1 branch 1 from", "9");
        console.type("to", "10");
        console.select("Q1 branch 1 then", "end the survey");
        // the preview follows the branch: a promoter is done after one question, a detractor is asked why
        console.await(By.cssSelector(".preview .scale")).findElement(By.xpath(".//button[normalize-space(.)='10']"))
                .click();
        console.awaitText(By.cssSelector(".preview"), "Thank you!");
        console.click("Start again");
        console.await(By.cssSelector(".preview .scale")).findElement(By.xpath(".//button[normalize-space(.)='3']"))
                .click();
        console.awaitText(By.cssSelector(".preview .widget-question"), "What should we do better?");
        console.screenshot("survey-builder");
        console.assertNoSeriousAccessibilityViolations("survey builder");
        console.click("Save survey");
        console.awaitText(By.cssSelector(".page .muted"), "Version 1");
        console.click("Start");
        console.awaitText(By.cssSelector(".page-head .status"), "running");
        JsonPath stored = given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).when()
                .get("/api/v1/projects/" + project + "/environments/production/surveys/checkout-nps")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(Map.of("min", 9, "max", 10, "next", "end")), stored.getList("definition.questions[0]"
                + ".branches"));

        // ten people answer: 6 promoters, 2 passives, 2 detractors: NPS 40
        int[] answers = {10, 10, 9, 9, 8, 7, 6, 3, 10, 9};
        for (int i = 0; i < answers.length; i++) {
            Map<String, Object> person = Map.of("userId", "respondent-" + i);
            String submission = given().baseUri(Platform.gatewayUrl()).auth().oauth2(client)
                    .contentType(ContentType.JSON).body(Map.of("person", person, "url", "https://shop.example/",
                            "device", "desktop"))
                    .when().post("/api/v1/surveys/next").then().statusCode(200)
                    .body("surveyKey", org.hamcrest.Matchers.equalTo("checkout-nps")).extract().path("submissionId");
            given().baseUri(Platform.gatewayUrl()).auth().oauth2(client).contentType(ContentType.JSON)
                    .body(Map.of("person", person, "submissionId", submission, "answers", List.of(Map.of(
                            "questionId", "score", "value", answers[i])), "completed", answers[i] >= 9))
                    .when().post("/api/v1/surveys/checkout-nps/answers").then().statusCode(200);
        }
        double nps = given().baseUri(Platform.gatewayUrl()).auth().oauth2(adminKey).when()
                .get("/api/v1/projects/" + project + "/environments/production/surveys/checkout-nps/results")
                .then().statusCode(200).extract().jsonPath().getDouble("questions[0].score.value");
        assertEquals(40.0, nps, 1e-6);

        console.click("Results");
        WebElement score = console.await(By.cssSelector("[data-question=score] .score"));
        assertEquals(nps, Double.parseDouble(score.getDomAttribute("data-score")), 1e-9);
        assertTrue(score.getText().startsWith("NPS 40"), score.getText());
        console.await(By.cssSelector("[data-question=score] .nps-gauge svg"));
        console.js("document.querySelector('[data-question=score]').scrollIntoView()");
        console.screenshot("survey-results");
        console.assertNoSeriousAccessibilityViolations("survey results");

        // a respondent's page says what they were asked and answered
        console.open("/console/p/" + project + "/people/production/respondent-7");
        WebElement answered = console.awaitText(By.cssSelector("ul.answers li[data-survey=checkout-nps]"), "score: 3");
        assertTrue(answered.getText().contains("checkout-nps"), answered.getText());
    }
}
