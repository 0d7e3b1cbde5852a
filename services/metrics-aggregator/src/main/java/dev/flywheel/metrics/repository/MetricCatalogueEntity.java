package dev.flywheel.metrics.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.flywheel.service.catalogue.Catalogue;
import dev.flywheel.service.catalogue.CatalogueEnvironment;

/** A project's experiment metrics as a whole (environment "*": they are project-wide); every change raises it. */
@Entity
@Table(name = "experiment_metric_catalogue")
public class MetricCatalogueEntity extends CatalogueEnvironment {

    /**
     * Experiment metrics as a catalogue. No replica keeps a snapshot of them: batches read the definitions inside
     * their own transaction, under the project's analytics lock, which keeps a change and the values computed with
     * it consistent; the change is still announced on the channel for any listener.
     */
    public static final Catalogue<MetricCatalogueEntity> CATALOGUE = new Catalogue<>("metric",
            MetricCatalogueEntity.class, "metrics_aggregator.experiment_metric_catalogue",
            "flywheel_metric_changes");
}
