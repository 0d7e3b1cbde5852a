package dev.flywheel.assignment.repository;

import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.flywheel.service.catalogue.AuditedChange;

/** One change to a project's experiments or its settings (no environment). */
@Entity
@Table(name = "experiment_audit")
@AttributeOverride(name = "key", column = @Column(name = "experiment_key"))
public class ExperimentAuditEntity extends AuditedChange {

    @Column(name = "project_id", nullable = false)
    public String projectId;

    /** Null for project-wide settings. */
    public String environment;

    @Override
    protected String environmentName() {
        return environment;
    }
}
