package dev.flywheel.service.catalogue;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/**
 * One environment's row in a catalogue: locked by every change to the environment (so changes are serialised) and
 * carrying a version every change raises, which snapshots compare with.
 */
@MappedSuperclass
public abstract class CatalogueEnvironment {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(nullable = false)
    public String environment;

    @Column(nullable = false)
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Raises the version for a change made now; returns the new version. */
    public long bump(Instant now) {
        updatedAt = now;
        return ++version;
    }

    public EnvironmentKey key() {
        return new EnvironmentKey(projectId, environment);
    }
}
