package dev.flywheel.metrics.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.flywheel.service.catalogue.AuditedChange;

/** One change to a project's saved insights or dashboards; the key is "insights/<key>" or "dashboards/<key>". */
@Entity
@Table(name = "saved_board_audit")
public class BoardAuditEntity extends AuditedChange {

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Override
    protected String environmentName() {
        return null;
    }
}
