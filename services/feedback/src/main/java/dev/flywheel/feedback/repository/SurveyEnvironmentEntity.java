package dev.flywheel.feedback.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.flywheel.service.catalogue.Catalogue;
import dev.flywheel.service.catalogue.CatalogueEnvironment;

/** An environment's surveys as a whole: its version rises with every change to any of them. */
@Entity
@Table(name = "survey_environment")
public class SurveyEnvironmentEntity extends CatalogueEnvironment {

    /** Surveys as a catalogue: changes lock this row and are announced on the survey channel. */
    public static final Catalogue<SurveyEnvironmentEntity> CATALOGUE = new Catalogue<>("survey",
            SurveyEnvironmentEntity.class, "feedback.survey_environment", "flywheel_survey_changes");
}
