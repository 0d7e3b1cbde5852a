package dev.flywheel.assignment.repository;

/**
 * The PostgreSQL NOTIFY channel that tells replicas experiments changed: payload "project/environment", or
 * "project/*" when a project-wide setting changed.
 */
public final class ExperimentChangeChannel {

    public static final String CHANNEL = "flywheel_experiment_changes";
    public static final String ALL_ENVIRONMENTS = "*";

    private ExperimentChangeChannel() {
    }

    public static String payload(String projectId, String environment) {
        return projectId + "/" + environment;
    }
}
