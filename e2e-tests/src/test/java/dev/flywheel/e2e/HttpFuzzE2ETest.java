package dev.flywheel.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Seeded, bounded fuzzing of every public REST endpoint the gateway documents (read from its OpenAPI document): random
 * and broken JSON bodies, wrong content types, odd path values and headers, with every kind of key. Every answer must
 * come within the client's timeout, never be a 5xx, and every error must carry the body the docs promise:
 * problem+json, or OFREP's error object on OFREP paths.
 */
@ExtendWith(Platform.class)
class HttpFuzzE2ETest {

    private static final long SEED = Long.getLong("flywheel.fuzz.seed", 20261202L);
    private static final int REQUESTS_PER_OPERATION = Integer.getInteger("flywheel.fuzz.requests", 24);
    private static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String project;
    private static List<String> keys;

    @BeforeAll
    static void tenant() {
        project = Tenants.project("http-fuzz");
        keys = new ArrayList<>();
        keys.add(Tenants.key(project, "admin", null));
        keys.add(Tenants.key(project, "server", "production"));
        keys.add(Tenants.key(project, "client", "production"));
        keys.add(Platform.bootstrapKey());
        keys.add("fw_server_" + "0".repeat(32));
        keys.add(null);
    }

    @Test
    void everyEndpointAnswersBrokenInputWithADocumentedError() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        JsonNode openApi = JSON.readTree(http.send(HttpRequest.newBuilder(
                URI.create(Platform.gatewayUrl() + "/q/openapi?format=json")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
        Random random = new Random(SEED);
        List<String> problems = new ArrayList<>();
        int requests = 0;
        Iterator<Map.Entry<String, JsonNode>> paths = openApi.get("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            Iterator<String> methods = path.getValue().fieldNames();
            while (methods.hasNext()) {
                String method = methods.next().toUpperCase();
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                for (int i = 0; i < REQUESTS_PER_OPERATION; i++) {
                    requests++;
                    String target = fill(path.getKey(), random);
                    byte[] body = method.equals("GET") || method.equals("DELETE") ? new byte[0] : body(random);
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Platform.gatewayUrl() + target))
                            .timeout(Duration.ofSeconds(15))
                            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                            .header("Content-Type", random.nextInt(6) == 0 ? "text/plain" : "application/json");
                    String key = keys.get(random.nextInt(keys.size()));
                    if (key != null) {
                        request.header("Authorization", "Bearer " + key);
                    }
                    if (random.nextInt(5) == 0) {
                        request.header("If-Match", random.nextBoolean() ? "\"" + random.nextInt(5) + "\"" : "garbage");
                    }
                    String what = method + " " + target.substring(0, Math.min(120, target.length())) + " ("
                            + body.length + " bytes)";
                    try {
                        HttpResponse<byte[]> response = http.send(request.build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        String problem = check(target, response);
                        if (problem != null) {
                            problems.add(what + ": " + problem);
                        }
                    } catch (java.net.http.HttpTimeoutException e) {
                        problems.add(what + ": no answer in 15 s");
                    }
                }
            }
        }
        System.out.println("HTTP fuzz: " + requests + " requests, seed " + SEED + ", " + problems.size()
                + " problems");
        assertTrue(problems.isEmpty(), String.join("\n", problems.subList(0, Math.min(40, problems.size()))));
    }

    /** What is wrong with an answer, or null. */
    private static String check(String target, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        String body = new String(response.body(), StandardCharsets.UTF_8);
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (status >= 500) {
            return status + " " + body.substring(0, Math.min(300, body.length()));
        }
        if (status < 400) {
            return null;
        }
        if (target.startsWith("/ofrep/") && type.startsWith("application/json")) {
            return body.contains("\"errorCode\"") ? null : "an OFREP error without errorCode: " + body;
        }
        if (!type.startsWith("application/problem+json")) {
            return status + " with " + (type.isEmpty() ? "no content type" : type) + ": "
                    + body.substring(0, Math.min(200, body.length()));
        }
        try {
            JsonNode problem = JSON.readTree(body);
            if (!problem.path("type").isTextual() || problem.path("status").asInt() != status) {
                return "a problem without its type or status: " + body;
            }
        } catch (Exception e) {
            return "a problem body that is not JSON: " + body;
        }
        return null;
    }

    private static final String[] VALUES = {"production", "staging", "x", "checkout", "UPPER", "a b", "..", "%00",
            "\u00e9t\u00e9", "-", "a".repeat(300), "null", "0", "-1", "9".repeat(40)};

    /** The path with its parameters filled: the fuzz project, or odd values that must never reach a 5xx. */
    private static String fill(String template, Random random) {
        Matcher parameter = PARAMETER.matcher(template);
        StringBuilder path = new StringBuilder();
        while (parameter.find()) {
            String name = parameter.group(1);
            String value = switch (name) {
                case "projectId" -> random.nextInt(8) == 0 ? UUID.randomUUID().toString() : project;
                case "keyId", "id" -> random.nextBoolean() ? UUID.randomUUID().toString() : odd(random);
                case "writeKey" -> random.nextBoolean() ? keys.get(2) : odd(random);
                case "call" -> List.of("track", "identify", "page", "batch", "import", "t", "zzz")
                        .get(random.nextInt(7));
                case "slash" -> random.nextBoolean() ? "/" : "";
                default -> odd(random);
            };
            parameter.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        parameter.appendTail(path);
        if (random.nextInt(4) == 0) {
            path.append(path.indexOf("?") < 0 ? '?' : '&').append("comment=")
                    .append(URLEncoder.encode(odd(random), StandardCharsets.UTF_8)).append("&organisationId=")
                    .append(URLEncoder.encode(odd(random), StandardCharsets.UTF_8)).append("&pageSize=-5");
        }
        return path.toString();
    }

    private static String odd(Random random) {
        String value = VALUES[random.nextInt(VALUES.length)];
        return value.startsWith("%") ? value : URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A body: random JSON of many shapes, or JSON broken in the ways clients break it. */
    private static byte[] body(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> new byte[0];
            case 1 -> "{\"a\": ".getBytes(StandardCharsets.UTF_8);
            case 2 -> "{} trailing".getBytes(StandardCharsets.UTF_8);
            case 3 -> new byte[]{'{', '"', 'x', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
            case 4 -> "[1e999999, 123456789012345678901234567890, -0, 1.5e-400]".getBytes(StandardCharsets.UTF_8);
            case 5 -> "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8);
            default -> randomJson(random, 0).getBytes(StandardCharsets.UTF_8);
        };
    }

    private static final String[] NAMES = {"name", "key", "kind", "environment", "context", "attributes", "person",
            "userId", "anonymousId", "events", "event", "metric", "range", "from", "to", "interval", "status",
            "variations", "weights", "flags", "state", "defaultVariant", "targeting", "answers", "rating",
            "corsOrigins", "rateLimit", "perSecond", "burst", "organisationId", "expiresAt", "type", "steps",
            "questions", "holdoutShare", "timeZone", "metricKeys", "batch", "properties", "url", "submissionId"};

    private static String randomJson(Random random, int depth) {
        int kind = depth > 3 ? 3 + random.nextInt(5) : random.nextInt(8);
        return switch (kind) {
            case 0, 1 -> {
                StringBuilder object = new StringBuilder("{");
                int fields = random.nextInt(6);
                for (int i = 0; i < fields; i++) {
                    object.append(i == 0 ? "" : ",").append('"').append(NAMES[random.nextInt(NAMES.length)])
                            .append("\":").append(randomJson(random, depth + 1));
                }
                yield object.append('}').toString();
            }
            case 2 -> {
                StringBuilder array = new StringBuilder("[");
                int items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    array.append(i == 0 ? "" : ",").append(randomJson(random, depth + 1));
                }
                yield array.append(']').toString();
            }
            case 3 -> List.of("0", "-1", "1.5", "1e308", "9007199254740993", "2147483648", "-0.0")
                    .get(random.nextInt(7));
            case 4 -> random.nextBoolean() ? "true" : "null";
            case 5 -> "\"" + List.of("production", "2026-11-01", "2026-02-30", "weekly", "running", "on", "{{x}}",
                    "fw_client_x", "\\u0000", "\\ud800", "x".repeat(5000), "").get(random.nextInt(12)) + "\"";
            default -> "\"" + UUID.randomUUID() + "\"";
        };
    }
}
