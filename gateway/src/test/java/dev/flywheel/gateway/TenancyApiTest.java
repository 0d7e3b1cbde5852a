package dev.flywheel.gateway;

import static dev.flywheel.gateway.AdminFixtures.BOOTSTRAP;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class TenancyApiTest {

    @Test
    void bootstrapAdminCreatesAProjectWithThreeEnvironments() {
        String organisationId = AdminFixtures.organisation();
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("organisationId", organisationId, "name", "Checkout"))
                .when().post("/api/v1/projects")
                .then().statusCode(201)
                .body("name", equalTo("Checkout"))
                .body("organisationId", equalTo(organisationId))
                .body("environments.name", contains("development", "staging", "production"))
                .body("rateLimit.perSecond", equalTo(100))
                .body("corsOrigins", hasSize(0));
    }

    @Test
    void duplicateNamesConflict() {
        String organisationId = AdminFixtures.organisation();
        Map<String, Object> body = Map.of("organisationId", organisationId, "name", "Twice");
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/projects").then().statusCode(201);
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/projects")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:flywheel:problem:conflict"));
    }

    @Test
    void adminKeySeesOnlyItsOwnProject() {
        String mine = AdminFixtures.project();
        AdminFixtures.project();
        given().auth().oauth2(AdminFixtures.adminKey(mine))
                .when().get("/api/v1/projects")
                .then().statusCode(200)
                .body("id", contains(mine));
    }

    @Test
    void anotherProjectsAdminKeyIsForbidden() {
        String projectA = AdminFixtures.project();
        String adminOfB = AdminFixtures.adminKey(AdminFixtures.project());
        given().auth().oauth2(adminOfB)
                .when().get("/api/v1/projects/" + projectA)
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403))
                .body("detail", equalTo("This key belongs to another project"));
        given().auth().oauth2(adminOfB).contentType(ContentType.JSON).body(Map.of("kind", "server",
                "environment", "production"))
                .when().post("/api/v1/projects/" + projectA + "/keys")
                .then().statusCode(403);
    }

    @Test
    void clientAndServerKeysCannotManage() {
        String project = AdminFixtures.project();
        for (String kind : List.of("client", "server")) {
            given().auth().oauth2(AdminFixtures.key(project, kind, "production"))
                    .when().get("/api/v1/projects/" + project)
                    .then().statusCode(403);
        }
    }

    @Test
    void projectAdminCannotCreateOrganisationsOrProjects() {
        String admin = AdminFixtures.adminKey(AdminFixtures.project());
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "x"))
                .when().post("/api/v1/organisations")
                .then().statusCode(403);
    }

    @Test
    void projectSettingsAndEnvironmentsCanChange() {
        String project = AdminFixtures.project();
        String admin = AdminFixtures.adminKey(project);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("corsOrigins", List.of("https://shop.example.com", "http://localhost:3000"),
                        "rateLimit", Map.of("perSecond", 50, "burst", 60)))
                .when().patch("/api/v1/projects/" + project)
                .then().statusCode(200)
                .body("corsOrigins", contains("https://shop.example.com", "http://localhost:3000"))
                .body("rateLimit.burst", equalTo(60));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "qa"))
                .when().post("/api/v1/projects/" + project + "/environments")
                .then().statusCode(201).body("name", equalTo("qa"));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "qa"))
                .when().post("/api/v1/projects/" + project + "/environments")
                .then().statusCode(409);
        given().auth().oauth2(admin)
                .when().get("/api/v1/projects/" + project + "/environments")
                .then().statusCode(200)
                .body("name", contains("development", "staging", "production", "qa"));
    }

    @Test
    void projectChangesKeepWhatTheyDoNotName() {
        String organisationId = AdminFixtures.organisation();
        String project = AdminFixtures.project(organisationId);
        String other = AdminFixtures.project(organisationId);
        String otherName = given().auth().oauth2(BOOTSTRAP).when().get("/api/v1/projects/" + other)
                .then().extract().path("name");
        String admin = AdminFixtures.adminKey(project);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("corsOrigins", List.of("https://a.example.com"),
                        "rateLimit", Map.of("perSecond", 7, "burst", 9)))
                .when().patch("/api/v1/projects/" + project).then().statusCode(200);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "Renamed"))
                .when().patch("/api/v1/projects/" + project)
                .then().statusCode(200)
                .body("name", equalTo("Renamed"))
                .body("corsOrigins", contains("https://a.example.com"))
                .body("rateLimit.perSecond", equalTo(7))
                .body("rateLimit.burst", equalTo(9))
                .body("environments.name", contains("development", "staging", "production"));
        // its own name again is no conflict; another project's is, and changes nothing
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("name", "Renamed"))
                .when().patch("/api/v1/projects/" + project).then().statusCode(200);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("name", otherName, "corsOrigins", List.of()))
                .when().patch("/api/v1/projects/" + project)
                .then().statusCode(409)
                .contentType("application/problem+json");
        given().auth().oauth2(admin).when().get("/api/v1/projects/" + project)
                .then().body("name", equalTo("Renamed")).body("corsOrigins", contains("https://a.example.com"));
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(Map.of("name", "Nowhere"))
                .when().patch("/api/v1/projects/" + UUID.randomUUID())
                .then().statusCode(404);
    }

    @Test
    void racingCreationsOfOneNameMakeOneProject() throws Exception {
        Map<String, Object> body = Map.of("organisationId", AdminFixtures.organisation(), "name", "Raced");
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                statuses.add(callers.submit(() -> given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                        .body(body).when().post("/api/v1/projects").statusCode()));
            }
            List<Integer> answered = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                answered.add(status.get(30, TimeUnit.SECONDS));
            }
            // the constraint decides: one creation, every other one a conflict, never a server error
            assertEquals(1, answered.stream().filter(status -> status == 201).count(), answered.toString());
            assertEquals(7, answered.stream().filter(status -> status == 409).count(), answered.toString());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void projectsAndEnvironmentsNeedTheirParents() {
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("organisationId", UUID.randomUUID().toString(), "name", "Orphan"))
                .when().post("/api/v1/projects")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("organisationId"));
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(Map.of("name", "qa"))
                .when().post("/api/v1/projects/" + UUID.randomUUID() + "/environments")
                .then().statusCode(404);
    }

    @Test
    void organisationsAreNamedOnce() {
        String name = "Org " + UUID.randomUUID();
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(Map.of("name", name))
                .when().post("/api/v1/organisations").then().statusCode(201).body("name", equalTo(name));
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(Map.of("name", name))
                .when().post("/api/v1/organisations")
                .then().statusCode(409)
                .contentType("application/problem+json");
        given().auth().oauth2(BOOTSTRAP).when().get("/api/v1/organisations")
                .then().statusCode(200).body("name", hasItem(name));
    }

    @Test
    void aNameThatPostgresqlCannotHoldIsTheCallersError() {
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON).body(Map.of("name", "Nul\u0000Org"))
                .when().post("/api/v1/organisations")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:flywheel:problem:validation-failed"))
                .body("detail", containsString("0x00"));
    }

    @Test
    void environmentsNamedAtCreationKeepTheirOrder() {
        given().auth().oauth2(BOOTSTRAP).contentType(ContentType.JSON)
                .body(Map.of("organisationId", AdminFixtures.organisation(), "name", "Ordered",
                        "environments", List.of("prod", "canary", "dev", "canary")))
                .when().post("/api/v1/projects")
                .then().statusCode(201)
                .body("environments.name", contains("prod", "canary", "dev"));
    }

    @Test
    void unknownProjectIsNotFoundForTheOperator() {
        given().auth().oauth2(BOOTSTRAP)
                .when().get("/api/v1/projects/" + UUID.randomUUID())
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", startsWith("urn:flywheel:problem:not-found"));
    }
}
