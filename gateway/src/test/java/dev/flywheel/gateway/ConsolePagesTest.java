package dev.flywheel.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The console as a browser loads it: one page for every view, hashed assets cached for good, a strict policy. */
@QuarkusTest
class ConsolePagesTest {

    @Test
    void everyViewIsThePageAndAssetsAreCachedForGood() {
        String page = given().redirects().follow(false).when().get("/console/").then().statusCode(200)
                .contentType(containsString("text/html"))
                .header("Cache-Control", equalTo("no-cache"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", not(containsString("unsafe")))
                .body(containsString("<div id=\"root\">")).extract().asString();
        // a deep link is the same page: the app's router draws the view
        given().when().get("/console/projects/p-1/flags/checkout").then().statusCode(200)
                .header("Cache-Control", equalTo("no-cache")).body(equalTo(page));
        given().redirects().follow(false).when().get("/console").then().statusCode(301)
                .header("Location", equalTo("/console/"));

        Matcher script = Pattern.compile("src=\"(/console/assets/[^\"]+\\.js)\"").matcher(page);
        assertTrue(script.find(), page);
        given().when().get(script.group(1)).then().statusCode(200)
                .header("Cache-Control", containsString("immutable"))
                .contentType(containsString("javascript"));
        given().when().get("/console/assets/missing-0000.js").then().statusCode(404);
        // source maps stay out of what is served
        given().when().get(script.group(1) + ".map").then().statusCode(404);
    }

    @Test
    void theSessionPlayerHasItsOwnPolicyForReplayedPagesAndOnlyTheConsoleFramesIt() {
        given().when().get("/console/player.html").then().statusCode(200)
                .contentType(containsString("text/html"))
                .header("Cache-Control", equalTo("no-cache"))
                // its own scripts only, still; a replayed page's inline styles and images from anywhere
                .header("Content-Security-Policy", containsString("script-src 'self';"))
                .header("Content-Security-Policy", containsString("style-src 'self' 'unsafe-inline'"))
                .header("Content-Security-Policy", containsString("img-src 'self' data: blob: http: https:"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'self'"))
                .body(containsString("id=\"stage\""));
        // the console's own page may not be framed at all
        given().when().get("/console/").then().header("Content-Security-Policy",
                containsString("frame-ancestors 'none'"));
    }
}
