package dev.flywheel.experiments;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An environment's experiments ready to assign users, as the assignment service and in-process SDKs both hold them:
 * each compiled once, those AssignAll answers for ({@link #active}: running, or stopped with a released winner), and
 * the project's holdout.
 */
public record ExperimentSet(Map<String, Experiment> experiments, List<Experiment> active, Holdout holdout) {

    /** One stored experiment: its key, definition (JSON), status and released variation (null or empty if none). */
    public record Stored(String key, String definition, ExperimentStatus status, String releasedVariation) {
    }

    /**
     * Compiles the stored experiments. Definitions were validated on the way in; one that no longer reads is left out
     * (and told to {@code unreadable} with the reason) rather than hiding the rest.
     */
    public static ExperimentSet compile(String projectId, double holdoutShare, List<Stored> stored,
            BiConsumer<String, String> unreadable) {
        Map<String, Experiment> experiments = new LinkedHashMap<>();
        List<Experiment> active = new ArrayList<>();
        for (Stored row : stored) {
            try {
                Experiment experiment = Experiment.of(ExperimentDefinition.parse(row.key(), row.definition()),
                        row.status(), row.releasedVariation());
                experiments.put(row.key(), experiment);
                if (experiment.status() == ExperimentStatus.RUNNING || experiment.releasedIndex() >= 0) {
                    active.add(experiment);
                }
            } catch (ExperimentDefinitionException | IllegalArgumentException e) {
                unreadable.accept(row.key(), e.getMessage());
            }
        }
        return new ExperimentSet(Collections.unmodifiableMap(experiments), List.copyOf(active),
                Holdout.of(projectId, holdoutShare));
    }
}
