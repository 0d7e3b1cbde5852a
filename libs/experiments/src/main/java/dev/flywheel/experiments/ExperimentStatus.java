package dev.flywheel.experiments;

/** An experiment's lifecycle: draft -> running -> stopped. Only running experiments assign users. */
public enum ExperimentStatus {
    DRAFT, RUNNING, STOPPED;

    /** Whether an experiment in this status may move to {@code next}. */
    public boolean canBecome(ExperimentStatus next) {
        return switch (this) {
            case DRAFT -> next == RUNNING || next == STOPPED;
            case RUNNING -> next == STOPPED;
            case STOPPED -> false;
        };
    }
}
