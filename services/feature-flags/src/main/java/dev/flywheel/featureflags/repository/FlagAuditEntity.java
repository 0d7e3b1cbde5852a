package dev.flywheel.featureflags.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One change: who, when, what it was before and after. Never updated or deleted. */
@Entity
@Table(name = "flag_audit")
public class FlagAuditEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "environment_id", nullable = false)
    public Long environmentId;

    /** Null for changes to the flag set itself (evaluators, metadata). */
    @Column(name = "flag_key")
    public String key;

    /** created, updated, deleted, evaluators or metadata. */
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

    @Column(name = "environment_version", nullable = false)
    public long environmentVersion;

    public String comment;
}
