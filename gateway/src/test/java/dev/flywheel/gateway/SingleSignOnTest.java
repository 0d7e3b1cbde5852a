package dev.flywheel.gateway;

import static dev.flywheel.gateway.AdminFixtures.BOOTSTRAP;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Single sign-on through a real Keycloak (KeycloakResource), as a browser would go: the console's SSO link, the
 * provider's login form, the callback, and a console session whose roles come from the provider's claim.
 */
@QuarkusTest
class SingleSignOnTest {

    private static final Pattern FORM_ACTION = Pattern
            .compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    @TestHTTPResource
    URL url;

    @Test
    void aPersonSignsInThroughTheProviderWithTheRolesItsClaimGives() throws Exception {
        String organisation = AdminFixtures.organisation();
        String project = given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("organisationId", organisation, "name", "sso-project"))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("id");
        given().when().get("/api/v1/setup").then().statusCode(200).body("sso", equalTo(true));

        Browser browser = new Browser();
        HttpResponse<String> end = browser.signIn("sam", "sam-password");
        assertEquals(303, end.statusCode(), end.body());
        assertTrue(end.headers().firstValue("Location").orElseThrow().endsWith("/console/"), end.headers()::toString);
        String session = browser.cookie("fw_session");
        assertNotNull(session, "the console's session cookie");

        given().cookie("fw_session", session).when().get("/api/v1/me").then().statusCode(200)
                .body("email", equalTo("sam@example.com"))
                .body("name", equalTo("Sam Single"))
                .body("projects.find { it.id == '" + project + "' }.role", equalTo("editor"));
        // the role is the API's to enforce: an editor may not issue keys
        String csrf = given().cookie("fw_session", session).when().get("/api/v1/me").then().extract()
                .path("csrfToken");
        given().cookie("fw_session", session).header("X-CSRF-Token", csrf).contentType(ContentType.JSON)
                .body(Map.of("kind", "admin")).when().post("/api/v1/projects/" + project + "/keys")
                .then().statusCode(403);

        // a provider that does not vouch for the email gets no session
        Browser unverified = new Browser();
        HttpResponse<String> refused = unverified.signIn("una", "una-password");
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("email_verified"), refused.body());
    }

    /**
     * Cookies kept per host (paths and the Secure flag ignored, as browsers treat a loopback address as secure),
     * redirects followed one by one.
     */
    private final class Browser {
        private final Map<String, Map<String, String>> jar = new HashMap<>();
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

        HttpResponse<String> signIn(String username, String password) throws Exception {
            HttpResponse<String> page = get(URI.create(url + "sso/login"));
            for (int hop = 0; hop < 5 && page.statusCode() / 100 == 3; hop++) {
                page = get(next(page));
            }
            assertEquals(200, page.statusCode(), "the provider's login form: " + page.body());
            Matcher action = FORM_ACTION.matcher(page.body());
            assertTrue(action.find(), page.body());
            String form = "username=" + encode(username) + "&password=" + encode(password) + "&credentialId=";
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(action.group(1)
                    .replace("&amp;", "&"))).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
            // back to the gateway's callback, which goes on to /sso/login, which answers with the session
            for (int hop = 0; hop < 5 && response.statusCode() == 302; hop++) {
                response = get(next(response));
            }
            return response;
        }

        private URI next(HttpResponse<String> response) {
            return response.request().uri().resolve(response.headers().firstValue("Location").orElseThrow());
        }

        HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(uri).GET());
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            URI uri = request.build().uri();
            Map<String, String> own = jar.computeIfAbsent(uri.getHost() + ":" + uri.getPort(), h -> new HashMap<>());
            if (!own.isEmpty()) {
                request.header("Cookie", own.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                        .collect(Collectors.joining("; ")));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String header : response.headers().allValues("Set-Cookie")) {
                String pair = header.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                if (value.isEmpty() || header.toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) {
                    own.remove(name);
                } else {
                    own.put(name, value);
                }
            }
            return response;
        }

        String cookie(String name) {
            return jar.values().stream().map(cookies -> cookies.get(name)).filter(v -> v != null).findFirst()
                    .orElse(null);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
