package dev.flywheel.gateway;

import static dev.flywheel.gateway.AdminFixtures.BOOTSTRAP;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.flywheel.gateway.keys.service.ApiKeyTokens;
import dev.flywheel.gateway.people.service.DelegatedCredentials;
import dev.flywheel.proto.auth.v1.AuthServiceGrpc;
import dev.flywheel.proto.auth.v1.ResolveKeyRequest;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.service.config.RedisKeyspace;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * People, sessions and roles (ADR 0011), in order: the first owner's setup link, invitations, each role's reach at
 * the API, CSRF and cross-site refusals, members, password change, sign-out and throttling.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleAccountsTest {

    private static final String OWNER = "owner@example.com";
    private static final String PASSWORD = "correct horse battery";
    private static String project;
    private static Session owner;
    private static Session viewer;
    private static Session editor;

    record Session(String cookie, String csrf, String personId) {
        RequestSpecification read() {
            return given().cookie("fw_session", cookie);
        }

        RequestSpecification write() {
            return given().cookie("fw_session", cookie).header("X-CSRF-Token", csrf).contentType(ContentType.JSON);
        }
    }

    @TestHTTPResource
    URL url;

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int internalPort;

    @Inject
    DelegatedCredentials delegated;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    RedisKeyspace keyspace;

    @Test
    @Order(1)
    void theFirstOwnerSignsUpThroughAOneTimeLinkTheBootstrapCredentialIssues() {
        project = AdminFixtures.project();
        given().when().get("/api/v1/setup").then().statusCode(200).body("needed", equalTo(true));
        given().auth().oauth2(AdminFixtures.adminKey(project)).when().post("/api/v1/setup/tokens")
                .then().statusCode(403);
        given().when().post("/api/v1/setup/tokens").then().statusCode(401);
        String token = given().auth().oauth2(BOOTSTRAP).when().post("/api/v1/setup/tokens")
                .then().statusCode(201).body("path", containsString("/console/setup#")).extract().path("token");

        given().contentType(ContentType.JSON).body(firstOwner("not-the-token", PASSWORD))
                .when().post("/api/v1/setup").then().statusCode(404)
                .body("detail", containsString("unknown, used or expired"));
        given().contentType(ContentType.JSON).body(firstOwner(token, "short"))
                .when().post("/api/v1/setup").then().statusCode(400)
                .body("errors[0].field", equalTo("password"));
        given().contentType(ContentType.JSON).body(Map.of("token", token, "email", "not an email", "name", "Ana",
                "password", PASSWORD)).when().post("/api/v1/setup").then().statusCode(400);

        Response created = given().contentType(ContentType.JSON).body(firstOwner(token, PASSWORD))
                .when().post("/api/v1/setup");
        created.then().statusCode(201)
                .header("Set-Cookie", containsString("HttpOnly"))
                .header("Set-Cookie", containsString("SameSite=Lax"))
                .header("Set-Cookie", not(containsString("Secure")));
        owner = session(created.getCookie("fw_session"));

        given().contentType(ContentType.JSON).body(firstOwner(token, PASSWORD))
                .when().post("/api/v1/setup").then().statusCode(404);
        given().auth().oauth2(BOOTSTRAP).when().post("/api/v1/setup/tokens").then().statusCode(409);
        given().when().get("/api/v1/setup").then().statusCode(200).body("needed", equalTo(false));
        owner.read().when().get("/api/v1/me").then().statusCode(200)
                .body("email", equalTo(OWNER))
                .body("projects.find { it.id == '" + project + "' }.role", equalTo("owner"))
                .body("projects.find { it.id == '" + project + "' }.environments", hasItem("production"));
    }

    @Test
    @Order(2)
    void invitedPeopleJoinWithTheRoleTheyWereGiven() {
        String link = owner.write().body(Map.of("email", "vera@example.com", "role", "viewer"))
                .when().post("/api/v1/projects/" + project + "/invitations")
                .then().statusCode(201).body("path", containsString("/console/join#")).extract().path("token");
        given().contentType(ContentType.JSON).body(Map.of("token", link))
                .when().post("/api/v1/invitations/lookup").then().statusCode(200)
                .body("invitation.role", equalTo("viewer")).body("accountExists", equalTo(false));
        given().contentType(ContentType.JSON).body(Map.of("token", link, "password", PASSWORD))
                .when().post("/api/v1/invitations/accept").then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
        Response accepted = given().contentType(ContentType.JSON)
                .body(Map.of("token", link, "name", "Vera", "password", PASSWORD))
                .when().post("/api/v1/invitations/accept");
        accepted.then().statusCode(204);
        viewer = session(accepted.getCookie("fw_session"));
        given().contentType(ContentType.JSON).body(Map.of("token", link))
                .when().post("/api/v1/invitations/lookup").then().statusCode(404);

        editor = invite("ed@example.com", "editor");
        editor.read().when().get("/api/v1/me").then().body("projects[0].role", equalTo("editor"));
        owner.read().when().get("/api/v1/projects/" + project + "/members").then().statusCode(200)
                .body("email", hasItem("vera@example.com"));
    }

    @Test
    @Order(3)
    void eachRoleReachesWhatItMayAndTheApiRefusesTheRest() {
        String flag = "/api/v1/projects/" + project + "/environments/production/flags/checkout";
        Map<String, Object> definition = Map.of("state", "ENABLED", "variants", Map.of("on", true, "off", false),
                "defaultVariant", "off");
        // a viewer reads the project but may not change a flag, the settings or keys: 403 from the API itself
        viewer.read().when().get("/api/v1/projects/" + project).then().statusCode(200);
        viewer.write().body(definition).when().put(flag).then().statusCode(403)
                .body("detail", containsString("editor role"));
        viewer.write().body(Map.of("name", "renamed")).when().patch("/api/v1/projects/" + project)
                .then().statusCode(403);
        viewer.write().body(Map.of("kind", "client", "environment", "production"))
                .when().post("/api/v1/projects/" + project + "/keys").then().statusCode(403);
        viewer.write().body(Map.of("email", "x@example.com", "role", "viewer"))
                .when().post("/api/v1/projects/" + project + "/invitations").then().statusCode(403);
        // an editor passes the role check for a flag (the flag service is not running in this test: 503)
        editor.write().body(definition).when().put(flag).then().statusCode(503);
        editor.write().body(Map.of("kind", "client", "environment", "production"))
                .when().post("/api/v1/projects/" + project + "/keys").then().statusCode(403);
        // the owner issues keys; a project the person is not in is refused
        owner.write().body(Map.of("kind", "client", "environment", "production"))
                .when().post("/api/v1/projects/" + project + "/keys").then().statusCode(201)
                .body("key", notNullValue());
        String other = AdminFixtures.project();
        owner.read().when().get("/api/v1/projects/" + other).then().statusCode(403)
                .body("detail", containsString("not a member"));
        owner.read().when().get("/api/v1/projects").then().statusCode(200)
                .body("id", hasItem(project)).body("id", not(hasItem(other)));
        // organisations and new projects stay with the operator
        owner.read().when().get("/api/v1/organisations").then().statusCode(403);
    }

    @Test
    @Order(4)
    void writesWithoutTheCsrfTokenOrFromAnotherSiteAreRefused() {
        String keys = "/api/v1/projects/" + project + "/keys";
        Map<String, Object> body = Map.of("kind", "client", "environment", "production");
        owner.read().contentType(ContentType.JSON).body(body).when().post(keys).then().statusCode(403)
                .body("detail", containsString("X-CSRF-Token"));
        owner.read().header("X-CSRF-Token", "guessed").contentType(ContentType.JSON).body(body)
                .when().post(keys).then().statusCode(403);
        owner.write().header("Origin", "https://evil.example").body(body).when().post(keys)
                .then().statusCode(403).body("detail", containsString("Cross-site"));
        // a sign-in form on another site cannot sign a browser in (login CSRF)
        given().header("Origin", "https://evil.example").contentType(ContentType.JSON)
                .body(Map.of("email", OWNER, "password", PASSWORD)).when().post("/api/v1/sessions")
                .then().statusCode(403);
        // same origin, with the token: accepted
        owner.write().header("Origin", url.getProtocol() + "://" + url.getAuthority()).body(body)
                .when().post(keys).then().statusCode(201);
    }

    @Test
    @Order(5)
    void changesMadeByAPersonNameThemInTheServicesAudit() {
        var projectId = java.util.UUID.fromString(project);
        var organisationId = java.util.UUID.fromString(owner.read().when().get("/api/v1/projects/" + project)
                .then().extract().path("organisationId"));
        String credential = delegated.mint(java.util.UUID.fromString(owner.personId()), OWNER, organisationId,
                projectId).await().indefinitely();
        ManagedChannel channel = ManagedChannelBuilder.forAddress(url.getHost(), internalPort).usePlaintext().build();
        try {
            ResolveKeyResponse resolved = AuthServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .resolveKey(ResolveKeyRequest.newBuilder().setKey(credential).build());
            assertEquals(KeyKind.KEY_KIND_ADMIN, resolved.getKind());
            assertEquals(project, resolved.getScope().getProjectId());
            assertEquals("person:" + OWNER, resolved.getActor());
            assertTrue(resolved.hasExpiresAt());
            // forged: the signature does not match
            String forged = credential.substring(0, credential.length() - 3) + "AAA";
            assertEquals(io.grpc.Status.Code.UNAUTHENTICATED, org.junit.jupiter.api.Assertions.assertThrows(
                    io.grpc.StatusRuntimeException.class, () -> AuthServiceGrpc.newBlockingStub(channel)
                            .resolveKey(ResolveKeyRequest.newBuilder().setKey(forged).build()))
                    .getStatus()
                    .getCode());
        } finally {
            channel.shutdownNow();
        }
        // and the REST edge never takes it
        given().auth().oauth2(credential).when().get("/api/v1/projects/" + project).then().statusCode(401);
    }

    @Test
    @Order(6)
    void adminsManageMembersButOnlyOwnersGiveOwnershipAndAProjectKeepsAnOwner() {
        Session admin = invite("adele@example.com", "admin");
        admin.write().body(Map.of("email", "o2@example.com", "role", "owner"))
                .when().post("/api/v1/projects/" + project + "/invitations").then().statusCode(403);
        admin.write().body(Map.of("role", "owner")).when()
                .patch("/api/v1/projects/" + project + "/members/" + editor.personId()).then().statusCode(403);
        admin.write().body(Map.of("role", "viewer")).when()
                .patch("/api/v1/projects/" + project + "/members/" + owner.personId()).then().statusCode(403);
        owner.write().body(Map.of("role", "admin")).when()
                .patch("/api/v1/projects/" + project + "/members/" + owner.personId()).then().statusCode(409)
                .body("detail", containsString("active owner"));
        owner.write().body(Map.of("role", "boss")).when()
                .patch("/api/v1/projects/" + project + "/members/" + editor.personId()).then().statusCode(400);
        // disabling a member takes effect at their next request
        admin.write().body(Map.of("disabled", true)).when()
                .patch("/api/v1/projects/" + project + "/members/" + viewer.personId()).then().statusCode(204);
        viewer.read().when().get("/api/v1/projects/" + project).then().statusCode(403);
        owner.read().when().get("/api/v1/projects/" + project + "/members").then()
                .body("find { it.email == 'vera@example.com' }.disabled", equalTo(true));
        admin.write().body(Map.of("disabled", false)).when()
                .patch("/api/v1/projects/" + project + "/members/" + viewer.personId()).then().statusCode(204);
        viewer.read().when().get("/api/v1/projects/" + project).then().statusCode(200);

        // the project's audit trail names the person behind each change, newest first
        String audit = "/api/v1/projects/" + project + "/audit";
        owner.read().when().get(audit + "?limit=3").then().statusCode(200)
                .body("action", contains("member.updated", "member.updated", "invitation.accepted"))
                .body("[0].actor", equalTo("person:adele@example.com"))
                .body("[0].target", equalTo("person:" + viewer.personId()))
                .body("[0].detail.disabled", equalTo(false))
                .body("[2].actor", equalTo("person:adele@example.com"))
                .body("[2].detail.role", equalTo("admin"));
        owner.read().when().get(audit).then()
                .body("find { it.action == 'invitation.created' && it.detail.email == 'adele@example.com' }.actor",
                        equalTo("person:" + OWNER));
        long newest = owner.read().when().get(audit + "?limit=1").then().extract().jsonPath().getLong("[0].id");
        owner.read().when().get(audit + "?limit=1&before=" + newest).then().body("[0].id", lessThan((int) newest));
        viewer.read().when().get(audit).then().statusCode(403);
        owner.read().when().get(audit + "?limit=0").then().statusCode(400);
        owner.read().when().get(audit + "?before=abc").then().statusCode(400);
        owner.read().when().get(audit + "?limit=501").then().statusCode(400);
        owner.read().when().get(audit + "?limit=x").then().statusCode(400);
    }

    @Test
    @Order(7)
    void aPasswordChangeEndsEverySessionAndSignOutEndsOne() {
        Session second = signIn("vera@example.com", PASSWORD);
        viewer.write().body(Map.of("currentPassword", "wrong password", "newPassword", "another long one"))
                .when().put("/api/v1/me/password").then().statusCode(400);
        Response changed = viewer.write()
                .body(Map.of("currentPassword", PASSWORD, "newPassword", "another long one"))
                .when().put("/api/v1/me/password");
        changed.then().statusCode(204);
        second.read().when().get("/api/v1/me").then().statusCode(401)
                .body("detail", containsString("session has ended"));
        viewer.read().when().get("/api/v1/me").then().statusCode(401);
        Session renewed = session(changed.getCookie("fw_session"));
        renewed.read().when().get("/api/v1/me").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("email", "vera@example.com", "password", PASSWORD))
                .when().post("/api/v1/sessions").then().statusCode(401);

        renewed.write().when().delete("/api/v1/sessions/current").then().statusCode(204)
                .header("Set-Cookie", containsString("Max-Age=0"));
        renewed.read().when().get("/api/v1/me").then().statusCode(401);
        // a key is not a person
        given().auth().oauth2(AdminFixtures.adminKey(project)).when().get("/api/v1/me").then().statusCode(403);
    }

    @Test
    @Order(8)
    void repeatedWrongPasswordsLockTheAccountForAWhile() {
        Map<String, Object> wrong = Map.of("email", "ed@example.com", "password", "not the password");
        for (int i = 0; i < 5; i++) {
            given().contentType(ContentType.JSON).body(wrong).when().post("/api/v1/sessions").then().statusCode(401)
                    .body("detail", equalTo("The email or password is wrong"));
        }
        given().contentType(ContentType.JSON).body(Map.of("email", "ed@example.com", "password", PASSWORD))
                .when().post("/api/v1/sessions").then().statusCode(429).header("Retry-After", notNullValue());
        // an unknown account answers exactly like a wrong password
        given().contentType(ContentType.JSON).body(Map.of("email", "nobody@example.com", "password", PASSWORD))
                .when().post("/api/v1/sessions").then().statusCode(401)
                .body("detail", equalTo("The email or password is wrong"));
        given().contentType(ContentType.JSON).body(Map.of("email", "ed@example.com"))
                .when().post("/api/v1/sessions").then().statusCode(400);
    }

    @Test
    @Order(9)
    void sessionsEndAfterTheIdleTimeoutAndAtTheAbsoluteOne() {
        Session idle = signIn(OWNER, PASSWORD);
        String key = keyspace.key("gateway", "session", ApiKeyTokens.hash(idle.cookie()));
        // the idle timeout is the entry's expiry, restarted by each request
        long ttl = redis.key(String.class).pttl(key).await().indefinitely();
        assertTrue(ttl > 29 * 60_000 && ttl <= 30 * 60_000, "idle timeout " + ttl);
        redis.key(String.class).pexpire(key, java.time.Duration.ofMillis(1)).await().indefinitely();
        idle.read().when().get("/api/v1/me").then().statusCode(401)
                .body("detail", containsString("session has ended"));

        // a session older than the absolute timeout ends however active it is
        Session old = signIn(OWNER, PASSWORD);
        String oldKey = keyspace.key("gateway", "session", ApiKeyTokens.hash(old.cookie()));
        String stored = redis.value(String.class).get(oldKey).await().indefinitely();
        long thirteenHoursAgo = System.currentTimeMillis() - java.time.Duration.ofHours(13).toMillis();
        redis.value(String.class).set(oldKey, stored.replaceAll("\"createdAtMillis\":\\d+",
                "\"createdAtMillis\":" + thirteenHoursAgo)).await().indefinitely();
        old.read().when().get("/api/v1/me").then().statusCode(401);
        assertEquals(0L, redis.key(String.class).exists(oldKey).await().indefinitely() ? 1L : 0L);
    }

    @Test
    @Order(10)
    void everyFormRefusesOversizedAndMalformedInput() {
        String longEmail = "a".repeat(320) + "@example.com";
        given().contentType(ContentType.JSON).body(Map.of("email", longEmail, "password", PASSWORD))
                .when().post("/api/v1/sessions").then().statusCode(400).body("errors[0].field", equalTo("email"));
        given().contentType(ContentType.JSON).body(Map.of("email", OWNER, "password", "p".repeat(257)))
                .when().post("/api/v1/sessions").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"email\": ").when().post("/api/v1/sessions").then()
                .statusCode(400).body("type", equalTo("urn:flywheel:problem:malformed-request"));
        given().contentType(ContentType.JSON).body(Map.of("email", OWNER, "password", PASSWORD, "remember", true))
                .when().post("/api/v1/sessions").then().statusCode(400);
        owner = signIn(OWNER, PASSWORD);
        owner.write().body(Map.of("email", "x@example.com", "role", "superuser"))
                .when().post("/api/v1/projects/" + project + "/invitations").then().statusCode(400)
                .body("errors[0].field", equalTo("role"));
        owner.write().body(Map.of("email", "not-an-email", "role", "viewer"))
                .when().post("/api/v1/projects/" + project + "/invitations").then().statusCode(400);
        owner.write().body(Map.of("token", "t", "email", OWNER, "name", "n".repeat(201), "password", PASSWORD))
                .when().post("/api/v1/setup").then().statusCode(400);
        owner.write().body("{\"email\": \"" + "x".repeat(70_000) + "\", \"role\": \"viewer\"}")
                .when().post("/api/v1/projects/" + project + "/invitations").then().statusCode(413);
        owner.write().body(Map.of("currentPassword", PASSWORD, "newPassword", "short"))
                .when().put("/api/v1/me/password").then().statusCode(400)
                .body("errors[0].field", equalTo("newPassword"));
        given().contentType(ContentType.JSON).body(Map.of("token", "nonsense", "password", PASSWORD))
                .when().post("/api/v1/invitations/accept").then().statusCode(404);
        owner.write().body(Map.of()).when()
                .patch("/api/v1/projects/" + project + "/members/" + owner.personId()).then().statusCode(400);
        owner.write().body(Map.of("role", "viewer")).when()
                .patch("/api/v1/projects/" + project + "/members/" + java.util.UUID.randomUUID()).then()
                .statusCode(404);
    }

    @Test
    @Order(11)
    void tryingAFlagAndPreviewingAnAssignmentRefuseStrangersKeysAndBrokenBodies() {
        String flag = "/api/v1/projects/" + project + "/environments/production/flags/checkout/evaluate";
        String preview = "/api/v1/projects/" + project + "/environments/production/experiments/x/preview";
        for (String path : List.of(flag, preview)) {
            given().contentType(ContentType.JSON).body("{}").when().post(path).then().statusCode(401);
            given().auth().oauth2(AdminFixtures.key(project, "client", "production")).contentType(ContentType.JSON)
                    .body("{}").when().post(path).then().statusCode(403);
            given().auth().oauth2(AdminFixtures.adminKey(AdminFixtures.project())).contentType(ContentType.JSON)
                    .body("{}").when().post(path).then().statusCode(403);
            owner.write().body("{\"context\": ").when().post(path).then().statusCode(400);
            owner.write().body("{\"x\": \"" + "y".repeat(70_000) + "\"}").when().post(path).then().statusCode(413);
        }
        owner.write().body(Map.of("context", "not an object")).when().post(flag).then().statusCode(400);
        owner.write().body(Map.of("context", Map.of(), "surprise", 1)).when().post(flag).then().statusCode(400);
        owner.write().body(Map.of("attributes", 5)).when().post(preview).then().statusCode(400)
                .body("errors[0].field", equalTo("attributes"));
        // a member of another project may not try this one's flags
        owner.write().body(Map.of("context", Map.of())).when()
                .post("/api/v1/projects/" + AdminFixtures.project() + "/environments/production/flags/x/evaluate")
                .then().statusCode(403);
    }

    private static Map<String, Object> firstOwner(String token, String password) {
        return Map.of("token", token, "email", OWNER, "name", "Owen Owner", "password", password);
    }

    private static Session invite(String email, String role) {
        String link = owner.write().body(Map.of("email", email, "role", role))
                .when().post("/api/v1/projects/" + project + "/invitations")
                .then().statusCode(201).extract().path("token");
        Response accepted = given().contentType(ContentType.JSON)
                .body(Map.of("token", link, "name", role, "password", PASSWORD))
                .when().post("/api/v1/invitations/accept");
        accepted.then().statusCode(204);
        return session(accepted.getCookie("fw_session"));
    }

    private static Session signIn(String email, String password) {
        Response response = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password))
                .when().post("/api/v1/sessions");
        response.then().statusCode(204);
        return session(response.getCookie("fw_session"));
    }

    private static Session session(String cookie) {
        var me = given().cookie("fw_session", cookie).when().get("/api/v1/me").then().statusCode(200).extract();
        return new Session(cookie, me.path("csrfToken"), me.path("id"));
    }
}
