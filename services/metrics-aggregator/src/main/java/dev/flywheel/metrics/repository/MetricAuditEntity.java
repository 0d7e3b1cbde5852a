package dev.flywheel.metrics.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.flywheel.service.catalogue.AuditedChange;

/** One change to a project's experiment metrics (before and after in the proto3 JSON mapping). */
@Entity
@Table(name = "experiment_metric_audit")
public class MetricAuditEntity extends AuditedChange {

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Override
    protected String environmentName() {
        return null;
    }
}
