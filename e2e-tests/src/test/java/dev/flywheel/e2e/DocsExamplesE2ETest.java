package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Every example in README.md and docs/ works when followed, against the running platform and the demo project:
 * shell blocks run (curl failing on any HTTP error), JSON blocks go where their {@code <!-- example: METHOD path -->}
 * marker says and must be accepted. A block that cannot run here says so with a marker: {@code setup}, {@code not run
 * (why)}, or the test that exercises it; an unmarked JSON block fails this test.
 */
@ExtendWith(Platform.class)
class DocsExamplesE2ETest {

    private static final Pattern BLOCK = Pattern.compile(
            "(?:<!-- example: ([^>]*?) -->\\n[ ]*)?```(\\w*)\\n(.*?)```", Pattern.DOTALL);

    record Example(String file, int line, String language, String marker, String code) {
        @Override
        public String toString() {
            return file + ":" + line + " (" + language + (marker == null ? "" : ", " + marker) + ")";
        }
    }

    static Stream<Arguments> examples() throws Exception {
        Path root = Platform.root();
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Arguments> examples = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher block = BLOCK.matcher(text);
            while (block.find()) {
                int line = (int) text.substring(0, block.start()).chars().filter(c -> c == '\n').count() + 1;
                Example example = new Example(root.relativize(file).toString(), line, block.group(2),
                        block.group(1), block.group(3));
                examples.add(Arguments.of(example));
            }
        }
        return examples.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void worksWhenFollowed(Example example) throws Exception {
        String marker = example.marker() == null ? "" : example.marker();
        if (marker.startsWith("setup") || marker.startsWith("not run (") || marker.endsWith("E2ETest")) {
            return; // starting the platform or running the build, needs what this machine lacks, or exercised by
                    // the named test
        }
        switch (example.language()) {
            case "sh", "bash" -> runShell(example);
            case "json" -> sendJson(example, marker);
            default -> assertTrue(false, example + ": mark it with where it goes or the test that exercises it");
        }
    }

    private static void runShell(Example example) throws Exception {
        Map<String, String> settings = Platform.settings();
        ProcessBuilder shell = new ProcessBuilder("bash", "-c", "set -euo pipefail\n"
                + "curl() { command curl --fail-with-body -sS --max-time 30 \"$@\"; }\n" + example.code())
                .directory(Platform.root().toFile()).redirectErrorStream(true);
        settings.forEach((name, value) -> {
            if (name.startsWith("FLYWHEEL_")) {
                shell.environment().put(name, value);
            }
        });
        Process process = shell.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        boolean finished = process.waitFor(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS);
        assertTrue(finished && process.exitValue() == 0, example + " failed:\n" + new String(output));
    }

    private static void sendJson(Example example, String marker) {
        String[] target = marker.split(" ", 2);
        assertTrue(target.length == 2, example + ": a JSON example needs a marker like 'PUT /api/v1/...'");
        String path = target[1].replace("{project}", Platform.settings().get("FLYWHEEL_DEMO_PROJECT_ID"));
        Response response = given().baseUri(Platform.gatewayUrl())
                .auth().oauth2(Platform.settings().get("FLYWHEEL_DEMO_ADMIN_KEY")).contentType(ContentType.JSON)
                .body(example.code()).request(target[0], path);
        assertTrue(response.statusCode() / 100 == 2, example + " was refused: " + response.statusCode() + " "
                + response.asString());
    }
}
