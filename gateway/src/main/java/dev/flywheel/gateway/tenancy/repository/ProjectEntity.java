package dev.flywheel.gateway.tenancy.repository;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "project")
public class ProjectEntity {

    @Id
    public UUID id;

    @Column(name = "organisation_id", nullable = false)
    public UUID organisationId;

    @Column(nullable = false)
    public String name;

    /** Space-separated; see {@link #corsOrigins()}. */
    @Column(name = "cors_origins", nullable = false)
    public String corsOriginList = "";

    @Column(name = "rate_limit_per_second", nullable = false)
    public int rateLimitPerSecond;

    @Column(name = "rate_limit_burst", nullable = false)
    public int rateLimitBurst;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public List<String> corsOrigins() {
        return corsOriginList.isBlank() ? List.of() : Arrays.asList(corsOriginList.trim().split(" +"));
    }

    public void corsOrigins(List<String> origins) {
        corsOriginList = String.join(" ", origins);
    }
}
