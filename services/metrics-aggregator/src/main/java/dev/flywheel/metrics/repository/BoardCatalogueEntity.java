package dev.flywheel.metrics.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.flywheel.service.catalogue.Catalogue;
import dev.flywheel.service.catalogue.CatalogueEnvironment;

/** A project's saved insights and dashboards as a whole (environment "*"); every change raises it. */
@Entity
@Table(name = "saved_board_catalogue")
public class BoardCatalogueEntity extends CatalogueEnvironment {

    /** No replica keeps a snapshot: boards are read when asked for; the change is still announced. */
    public static final Catalogue<BoardCatalogueEntity> CATALOGUE = new Catalogue<>("board",
            BoardCatalogueEntity.class, "metrics_aggregator.saved_board_catalogue", "flywheel_board_changes");
}
