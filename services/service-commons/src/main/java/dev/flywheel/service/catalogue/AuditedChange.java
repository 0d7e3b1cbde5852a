package dev.flywheel.service.catalogue;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/**
 * The stored form of one audited change, shared by every catalogue's audit table (each names its key column with an
 * {@code @AttributeOverride}). Written in the transaction of the change; never updated or deleted.
 */
@MappedSuperclass
public abstract class AuditedChange {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** Null for a change to the environment or project itself (evaluators, settings). */
    @Column(name = "entry_key")
    public String key;

    /** created, updated, deleted, or what else the catalogue's life cycle names (started, evaluators, ...). */
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

    /** Fills the change's values; an empty comment is none. */
    public void describe(String key, String action, String actor, Instant at, String before, String after,
            long version, String comment) {
        this.key = key;
        this.action = action;
        this.actor = actor;
        this.at = at;
        this.beforeJson = before;
        this.afterJson = after;
        this.version = version;
        this.comment = comment == null || comment.isEmpty() ? null : comment;
    }

    /** The environment the change was made in; null when project-wide. */
    protected abstract String environmentName();

    /** The environment's version after the change, where the catalogue keeps one apart (0 otherwise). */
    protected long environmentVersion() {
        return 0;
    }

    public AuditEntry entry() {
        return new AuditEntry(id, environmentName(), key, action, actor, at, beforeJson, afterJson, version,
                environmentVersion(), comment);
    }
}
