package dev.flywheel.featureflags.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One environment's flag set: its shared evaluators and metadata, and a version every change increases. */
@Entity
@Table(name = "flag_environment")
public class FlagEnvironmentEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(nullable = false)
    public String environment;

    @Column(nullable = false)
    public long version;

    /** The flagd "$evaluators" object as JSON text. */
    @Column(nullable = false)
    public String evaluators;

    /** The flagd flag-set "metadata" object as JSON text. */
    @Column(nullable = false)
    public String metadata;

    /** The document's "$schema", kept for a faithful export. */
    @Column(name = "schema_url")
    public String schemaUrl;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
