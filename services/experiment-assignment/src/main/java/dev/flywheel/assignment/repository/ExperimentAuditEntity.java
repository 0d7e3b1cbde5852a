package dev.flywheel.assignment.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One change: who made it, when, and the state before and after. */
@Entity
@Table(name = "experiment_audit")
public class ExperimentAuditEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    /** Null for project-wide settings. */
    public String environment;

    @Column(name = "experiment_key")
    public String key;

    @Column(nullable = false)
    public String action;

    @Column(nullable = false)
    public String actor;

    @Column(nullable = false)
    public Instant at;

    @Column(name = "before_json")
    public String beforeJson;

    @Column(name = "after_json")
    public String afterJson;

    @Column(nullable = false)
    public long version;

    public String comment;
}
