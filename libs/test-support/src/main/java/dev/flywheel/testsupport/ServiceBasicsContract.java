package dev.flywheel.testsupport;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * What every Flywheel service promises operators, checked against the running app: probes, Prometheus metrics, and
 * its own PostgreSQL schema migrated by Flyway. A service's test extends it and names its schema.
 */
public abstract class ServiceBasicsContract {

    /** Health and metrics live on the management port (a fixed test port per app), apart from the client ports. */
    public static RequestSpecification management() {
        // RestAssured checks its global port (Quarkus sets it to the HTTP port: 0, as most apps have none) when a
        // request is begun, so it points at the management port for that moment.
        int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        int previous = RestAssured.port;
        RestAssured.port = port;
        try {
            return given().baseUri("http://127.0.0.1").port(port);
        } finally {
            RestAssured.port = previous;
        }
    }

    /** The PostgreSQL schema the service owns. */
    protected abstract String schema();

    @Test
    void livenessIsUp() {
        management()
                .when().get("/q/health/live")
                .then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessAndDependenciesComeFromTheRealInfrastructure() {
        management()
                .when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("required dependencies"));
        management()
                .when().get("/q/health/group/dependencies")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks[0].data.postgresql", startsWith("up"));
    }

    @Test
    void exposesPrometheusMetrics() {
        management()
                .when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void healthAndMetricsAreNotOnTheClientPort() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        for (String path : new String[]{"/q/metrics", "/q/health/ready"}) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + TestGrpc.port() + path))
                    .timeout(Duration.ofSeconds(2)).build();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                assertNotEquals(200, status, path + " answered on the client port");
            } catch (IOException notHttp) {
                // the gRPC server does not speak HTTP/1.1 at all: nothing to read there
            }
        }
    }

    @Test
    void flywayMigratedTheServiceSchema() throws Exception {
        Config config = ConfigProvider.getConfig();
        try (Connection connection = DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                PreparedStatement query = connection.prepareStatement(
                        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?")) {
            query.setString(1, schema());
            query.setString(2, "flyway_schema_history");
            ResultSet result = query.executeQuery();
            result.next();
            assertTrue(result.getInt(1) == 1, "Flyway history missing in schema " + schema());
        }
    }
}
