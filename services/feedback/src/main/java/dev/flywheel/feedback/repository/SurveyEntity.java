package dev.flywheel.feedback.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One survey: its definition (JSON, as given), its status and a version every change to it raises. */
@Entity
@Table(name = "survey")
public class SurveyEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(nullable = false)
    public String environment;

    @Column(name = "survey_key", nullable = false)
    public String key;

    @Column(nullable = false)
    public String definition;

    /** flywheel.feedback.v1.SurveyStatus's number. */
    @Column(nullable = false)
    public short status;

    @Column(nullable = false)
    public long version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
