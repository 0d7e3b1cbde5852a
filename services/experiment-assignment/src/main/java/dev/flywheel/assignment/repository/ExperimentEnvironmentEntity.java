package dev.flywheel.assignment.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.flywheel.service.catalogue.Catalogue;
import dev.flywheel.service.catalogue.CatalogueEnvironment;

/** A project's environment as far as experiments go: its version increases with every change. */
@Entity
@Table(name = "experiment_environment")
public class ExperimentEnvironmentEntity extends CatalogueEnvironment {

    /**
     * Experiments as a catalogue: changes lock this row and are announced on the experiment channel ("project/*"
     * when the project's settings changed).
     */
    public static final Catalogue<ExperimentEnvironmentEntity> CATALOGUE = new Catalogue<>("experiment",
            ExperimentEnvironmentEntity.class, "experiment_assignment.experiment_environment",
            "flywheel_experiment_changes");
}
