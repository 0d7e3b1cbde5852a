package dev.flywheel.feedback.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.flywheel.service.catalogue.AuditedChange;

/** One change to an environment's surveys. */
@Entity
@Table(name = "survey_audit")
public class SurveyAuditEntity extends AuditedChange {

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(nullable = false)
    public String environment;

    @Override
    protected String environmentName() {
        return environment;
    }
}
