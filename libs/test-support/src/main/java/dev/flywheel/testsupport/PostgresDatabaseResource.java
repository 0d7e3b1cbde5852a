package dev.flywheel.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fresh PostgreSQL database for each test run on the machine's real server; the app's Flyway migrations build its
 * schema from nothing, and the database is dropped when the run ends.
 */
public class PostgresDatabaseResource implements QuarkusTestResourceLifecycleManager {

    private String database;

    @Override
    public Map<String, String> start() {
        database = "fw_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE DATABASE " + database);
        return Map.of(
                "quarkus.datasource.jdbc.url", InfrastructureSettings.jdbcUrl(database),
                "quarkus.datasource.reactive.url", InfrastructureSettings.reactiveUrl(database),
                "quarkus.datasource.username", InfrastructureSettings.dbUser(),
                "quarkus.datasource.password", InfrastructureSettings.dbPassword());
    }

    @Override
    public void stop() {
        if (database != null) {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** The database created for this run, for tests that inspect it directly. */
    public String database() {
        return database;
    }

    private static void execute(String sql) {
        String url = InfrastructureSettings.jdbcUrl(InfrastructureSettings.dbAdminDatabase());
        try (Connection connection = DriverManager.getConnection(url, InfrastructureSettings.dbUser(),
                InfrastructureSettings.dbPassword());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + url + " refused: " + sql, e);
        }
    }
}
