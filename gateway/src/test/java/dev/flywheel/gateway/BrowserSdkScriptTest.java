package dev.flywheel.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/** The browser SDK's script as pages load it: any origin, cacheable for good, and exactly the bytes its SRI names. */
@QuarkusTest
class BrowserSdkScriptTest {

    @Test
    void theScriptIsServedUnderItsVersionWithItsIntegrity() throws Exception {
        Path served = Path.of("target/classes/META-INF/resources/sdk/browser");
        String version;
        try (Stream<Path> versions = Files.list(served)) {
            version = versions.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("v")).findFirst()
                    .orElseThrow();
        }
        for (String name : new String[]{"flywheel.min.js", "flywheel-surveys.min.js", "flywheel-recording.min.js"}) {
            JsonNode manifest = new ObjectMapper().readTree(served.resolve(version).resolve(name + ".json")
                    .toFile());
            assertEquals(version, "v" + manifest.get("version").asText());
            byte[] script = given().header("Origin", "https://shop.example").when()
                    .get("/sdk/browser/" + version + "/" + name)
                    .then().statusCode(200).header("Access-Control-Allow-Origin", equalTo("*"))
                    .header("Cache-Control", containsString("immutable"))
                    .header("Content-Type", containsString("javascript"))
                    .extract().asByteArray();
            String integrity = "sha384-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-384")
                    .digest(script));
            assertEquals(manifest.get("integrity").asText(), integrity, name);
            // rrweb's recorder is most of the recording module, loaded only where recording is on
            assertTrue(script.length < (name.contains("recording") ? 120 : 80) * 1024, "a small script");
        }
        // the core loads the surveys module by the hash it was built with
        String core = Files.readString(served.resolve(version).resolve("flywheel.min.js"));
        String surveys = new ObjectMapper().readTree(served.resolve(version).resolve("flywheel-surveys.min.js.json")
                .toFile()).get("integrity").asText();
        assertTrue(core.contains(surveys), "the core names the surveys module's SRI hash");
        String recording = new ObjectMapper().readTree(served.resolve(version).resolve(
                "flywheel-recording.min.js.json").toFile()).get("integrity").asText();
        assertTrue(core.contains(recording), "the core names the recording module's SRI hash");
        // the standalone feedback widget is the same module, at its first address
        given().when().get("/widget/flywheel-feedback.js").then().statusCode(200)
                .body(containsString("Flywheel.feedback.init needs"));
        // no key is needed to load it, and an unknown version is simply not there
        given().when().get("/sdk/browser/v0.0.0/flywheel.min.js").then().statusCode(404);
    }
}
