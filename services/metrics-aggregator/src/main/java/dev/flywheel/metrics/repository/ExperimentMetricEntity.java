package dev.flywheel.metrics.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One experiment metric of a project: flywheel.analytics.v1.ExperimentMetric as protobuf bytes. */
@Entity
@Table(name = "experiment_metric")
public class ExperimentMetricEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(name = "metric_key", nullable = false)
    public String key;

    @Column(nullable = false)
    public byte[] definition;

    @Column(nullable = false)
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Where the backfill over already exposed units has reached: '' to start, null when done. */
    @Column(name = "rebuild_cursor")
    public String rebuildCursor;
}
