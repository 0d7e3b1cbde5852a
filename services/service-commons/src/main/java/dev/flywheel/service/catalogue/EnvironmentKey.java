package dev.flywheel.service.catalogue;

/**
 * One environment of one project: the key snapshots are cached under and the payload of change notifications
 * ("project/environment"; "project/*" for a change to every environment of the project).
 */
public record EnvironmentKey(String projectId, String environment) {

    /** The environment name of a change that concerns every environment of the project (its settings). */
    public static final String ALL_ENVIRONMENTS = "*";

    /** The key a notification payload names, or null when it names none. */
    public static EnvironmentKey parse(String payload) {
        int slash = payload.indexOf('/');
        return slash > 0 && slash < payload.length() - 1
                ? new EnvironmentKey(payload.substring(0, slash), payload.substring(slash + 1))
                : null;
    }

    public boolean everyEnvironment() {
        return ALL_ENVIRONMENTS.equals(environment);
    }

    /** The notification payload: "project/environment". */
    public String payload() {
        return projectId + "/" + environment;
    }

    @Override
    public String toString() {
        return payload();
    }
}
