package dev.flywheel.sdk;

import java.util.ArrayList;
import java.util.List;

import dev.flywheel.experiments.ExperimentSet;
import dev.flywheel.experiments.ExperimentStatus;
import dev.flywheel.proto.experiments.v1.ExperimentRecord;

/** An environment's experiments as last synced, compiled by the engine the assignment service uses. */
record ExperimentSnapshot(dev.flywheel.proto.experiments.v1.ExperimentSnapshot synced, ExperimentSet set) {

    /**
     * @throws IllegalArgumentException
     *             when an experiment cannot be read (this SDK is older than the service, or the snapshot is corrupt)
     */
    static ExperimentSnapshot of(dev.flywheel.proto.experiments.v1.ExperimentSnapshot synced) {
        List<ExperimentSet.Stored> stored = new ArrayList<>(synced.getExperimentsCount());
        for (ExperimentRecord record : synced.getExperimentsList()) {
            stored.add(new ExperimentSet.Stored(record.getKey(), record.getDefinitionJson(), status(record),
                    record.getReleasedVariation()));
        }
        List<String> unreadable = new ArrayList<>();
        ExperimentSet set = ExperimentSet.compile(synced.getProjectId(), synced.getHoldoutShare(), stored,
                (key, problem) -> unreadable.add(key + ": " + problem));
        if (!unreadable.isEmpty()) {
            throw new IllegalArgumentException("unreadable experiments: " + String.join("; ", unreadable));
        }
        return new ExperimentSnapshot(synced, set);
    }

    private static ExperimentStatus status(ExperimentRecord record) {
        return switch (record.getStatus()) {
            case EXPERIMENT_STATUS_RUNNING -> ExperimentStatus.RUNNING;
            case EXPERIMENT_STATUS_STOPPED -> ExperimentStatus.STOPPED;
            case EXPERIMENT_STATUS_DRAFT -> ExperimentStatus.DRAFT;
            default -> throw new IllegalArgumentException(record.getKey() + " has no status this SDK knows");
        };
    }

    String projectId() {
        return synced.getProjectId();
    }

    String environment() {
        return synced.getEnvironment();
    }
}
