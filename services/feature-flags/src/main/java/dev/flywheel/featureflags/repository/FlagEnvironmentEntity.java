package dev.flywheel.featureflags.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.flywheel.service.catalogue.Catalogue;
import dev.flywheel.service.catalogue.CatalogueEnvironment;

/** One environment's flag set: its shared evaluators and metadata, and a version every change increases. */
@Entity
@Table(name = "flag_environment")
public class FlagEnvironmentEntity extends CatalogueEnvironment {

    /** Flags as a catalogue: changes lock this row and are announced on the flag channel. */
    public static final Catalogue<FlagEnvironmentEntity> CATALOGUE = new Catalogue<>("flag",
            FlagEnvironmentEntity.class, "feature_flags.flag_environment", "flywheel_flag_changes");

    /** The flagd "$evaluators" object as JSON text. */
    @Column(nullable = false)
    public String evaluators;

    /** The flagd flag-set "metadata" object as JSON text. */
    @Column(nullable = false)
    public String metadata;

    /** The document's "$schema", kept for a faithful export. */
    @Column(name = "schema_url")
    public String schemaUrl;
}
