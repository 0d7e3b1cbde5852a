package dev.flywheel.assignment.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Experiment settings shared by a project's environments. */
@Entity
@Table(name = "project_settings")
public class ProjectSettingsEntity {

    @Id
    @Column(name = "project_id")
    public String projectId;

    @Column(name = "holdout_share", nullable = false)
    public double holdoutShare;

    @Column(nullable = false)
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;
}
