package dev.flywheel.testsupport;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;

/**
 * What every Flywheel service promises operators, checked against the running app: probes, Prometheus metrics, and
 * its own PostgreSQL schema migrated by Flyway. A service's test extends it and names its schema.
 */
public abstract class ServiceBasicsContract {

    /** Health and metrics live on the management port, apart from the ports clients reach. */
    @TestHTTPResource(value = "/", management = true)
    protected URL management;

    /** The management server's root (the injected URL ends in its /q path). */
    protected String managementBase() {
        return management.getProtocol() + "://" + management.getHost() + ":" + management.getPort();
    }

    /** The PostgreSQL schema the service owns. */
    protected abstract String schema();

    @Test
    void livenessIsUp() {
        given().baseUri(managementBase())
                .when().get("/q/health/live")
                .then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessChecksTheRealDatabaseAndRedis() {
        given().baseUri(managementBase())
                .when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")))
                .body("checks.name", hasItem(containsString("Redis")));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().baseUri(managementBase())
                .when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void healthAndMetricsAreNotOnTheClientPort() {
        given().when().get("/q/metrics").then().statusCode(404);
        given().when().get("/q/health/ready").then().statusCode(404);
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
