package dev.flywheel.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PostgresDatabaseResourceTest {

    @Test
    void createsAnEmptyDatabaseAndDropsItAfterwards() throws Exception {
        PostgresDatabaseResource resource = new PostgresDatabaseResource();
        Map<String, String> config = resource.start();
        String database = resource.database();
        assertTrue(config.get("quarkus.datasource.jdbc.url").endsWith("/" + database));
        assertEquals("postgresql://" + InfrastructureSettings.dbHost() + ":" + InfrastructureSettings.dbPort() + "/"
                + database, config.get("quarkus.datasource.reactive.url"));
        try (Connection connection = DriverManager.getConnection(config.get("quarkus.datasource.jdbc.url"),
                InfrastructureSettings.dbUser(), InfrastructureSettings.dbPassword())) {
            ResultSet tables = connection.createStatement()
                    .executeQuery("select count(*) from information_schema.tables where table_schema = 'public'");
            tables.next();
            assertEquals(0, tables.getInt(1));
        }
        resource.stop();
        try (Connection admin = DriverManager.getConnection(
                InfrastructureSettings.jdbcUrl(InfrastructureSettings.dbAdminDatabase()),
                InfrastructureSettings.dbUser(), InfrastructureSettings.dbPassword())) {
            ResultSet exists = admin.createStatement()
                    .executeQuery("select 1 from pg_database where datname = '" + database + "'");
            assertFalse(exists.next());
        }
    }

    @Test
    void redisPrefixesDifferPerRun() {
        String first = new RedisIsolationResource().start().get("flywheel.redis.key-prefix");
        String second = new RedisIsolationResource().start().get("flywheel.redis.key-prefix");
        assertTrue(first.startsWith("fwtest:"));
        assertFalse(first.equals(second));
    }
}
