package dev.flywheel.metrics.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A saved insight or a dashboard of a project: flywheel.analytics.v1.SavedInsight or Dashboard as protobuf bytes,
 * told apart by {@link #collection} ("insights", "dashboards").
 */
@Entity
@Table(name = "saved_board")
public class BoardEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(nullable = false)
    public String collection;

    @Column(name = "board_key", nullable = false)
    public String key;

    @Column(nullable = false)
    public byte[] definition;

    @Column(nullable = false)
    public long version;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
