package dev.flywheel.testsupport;

/**
 * Where the machine's real infrastructure lives, read from the same environment variables the services use, with
 * the local defaults of a developer machine and CI.
 */
public final class InfrastructureSettings {

    private InfrastructureSettings() {
    }

    public static String dbHost() {
        return env("FLYWHEEL_DB_HOST", "127.0.0.1");
    }

    public static String dbPort() {
        return env("FLYWHEEL_DB_PORT", "5432");
    }

    public static String dbUser() {
        return env("FLYWHEEL_DB_USER", "postgres");
    }

    public static String dbPassword() {
        return env("FLYWHEEL_DB_PASSWORD", "");
    }

    /** The database the test resources connect to in order to create and drop per-run databases. */
    public static String dbAdminDatabase() {
        return env("FLYWHEEL_DB_ADMIN_DATABASE", "postgres");
    }

    public static String redisUrl() {
        return env("FLYWHEEL_REDIS_URL", "redis://127.0.0.1:6379");
    }

    /** An external broker to use instead of starting one in-process; {@code null} when unset. */
    public static String externalKafkaBootstrap() {
        String value = System.getenv("KAFKA_BOOTSTRAP");
        return value == null || value.isBlank() ? null : value;
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + dbHost() + ":" + dbPort() + "/" + database;
    }

    public static String reactiveUrl(String database) {
        return "postgresql://" + dbHost() + ":" + dbPort() + "/" + database;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
