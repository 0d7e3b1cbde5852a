package dev.flywheel.featureflags.repository;

import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.flywheel.service.catalogue.AuditedChange;

/** One change to an environment's flags; a null key is a change to the flag set (evaluators, metadata). */
@Entity
@Table(name = "flag_audit")
@AttributeOverride(name = "key", column = @Column(name = "flag_key"))
public class FlagAuditEntity extends AuditedChange {

    @Column(name = "environment_id", nullable = false)
    public Long environmentId;

    @Column(name = "environment_version", nullable = false)
    public long environmentVersion;

    @Override
    protected String environmentName() {
        // the flag audit is read one environment at a time, so its entries do not repeat the name
        return null;
    }

    @Override
    protected long environmentVersion() {
        return environmentVersion;
    }
}
