package dev.flywheel.featureflags.repository;

/** The PostgreSQL NOTIFY channel that tells replicas an environment's flags changed: payload "project/environment". */
public final class FlagChangeChannel {

    public static final String CHANNEL = "flywheel_flag_changes";

    private FlagChangeChannel() {
    }

    public static String payload(String projectId, String environment) {
        return projectId + "/" + environment;
    }
}
