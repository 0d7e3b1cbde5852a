package dev.flywheel.assignment.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One experiment of an environment: its definition as given, and where it is in its lifecycle. */
@Entity
@Table(name = "experiment")
public class ExperimentEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "environment_id", nullable = false)
    public Long environmentId;

    @Column(name = "experiment_key", nullable = false)
    public String key;

    @Column(nullable = false)
    public String definition;

    /** An {@code ExperimentStatus} name. */
    @Column(nullable = false)
    public String status;

    @Column(name = "released_variation")
    public String releasedVariation;

    @Column(nullable = false)
    public long version;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "stopped_at")
    public Instant stoppedAt;
}
