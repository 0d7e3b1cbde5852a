package dev.flywheel.featureflags.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One flag of an environment: its flagd definition as the JSON text it was given. */
@Entity
@Table(name = "flag")
public class FlagEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "environment_id", nullable = false)
    public Long environmentId;

    @Column(name = "flag_key", nullable = false)
    public String key;

    @Column(nullable = false)
    public String definition;

    /** Keeps the order flags were first defined in, so exports and bulk answers are stable. */
    @Column(nullable = false)
    public long position;

    @Column(nullable = false)
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;
}
