package dev.flywheel.sdk;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.flywheel.experiments.Experiment;
import dev.flywheel.experiments.ExperimentSet;
import dev.flywheel.experiments.ExperimentStatus;
import dev.flywheel.proto.experiments.v1.ExperimentRecord;

/** An environment's experiments as last synced, compiled by the engine the assignment service uses. */
record ExperimentSnapshot(dev.flywheel.proto.experiments.v1.ExperimentSnapshot synced, ExperimentSet set,
        Map<String, Set<String>> exposed) {

    /** Units remembered per experiment as exposed; past it the set starts again (resends are deduplicated). */
    static final int MAX_REMEMBERED = 200_000;

    /**
     * @throws IllegalArgumentException
     *             when an experiment cannot be read (this SDK is older than the service, or the snapshot is corrupt)
     */
    static ExperimentSnapshot of(dev.flywheel.proto.experiments.v1.ExperimentSnapshot synced,
            ExperimentSnapshot previous) {
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
        // who was exposed carries over to the next snapshot for each experiment whose bucket version is unchanged
        Map<String, Set<String>> exposed = new HashMap<>();
        for (Experiment experiment : set.experiments().values()) {
            Set<String> before = previous == null ? null : previous.exposed().get(experiment.key());
            Experiment old = previous == null ? null : previous.set().experiments().get(experiment.key());
            exposed.put(experiment.key(), before != null && old != null
                    && old.definition().bucketVersion() == experiment.definition().bucketVersion()
                            ? before
                            : ConcurrentHashMap.newKeySet());
        }
        return new ExperimentSnapshot(synced, set, exposed);
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
