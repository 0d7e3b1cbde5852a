package dev.flywheel.feedback.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.feedback.repository.SurveyAuditEntity;
import dev.flywheel.feedback.repository.SurveyAuditRepository;
import dev.flywheel.feedback.repository.SurveyEntity;
import dev.flywheel.feedback.repository.SurveyEnvironmentEntity;
import dev.flywheel.feedback.repository.SurveyRepository;
import dev.flywheel.proto.feedback.v1.SurveyStatus;
import dev.flywheel.service.catalogue.AuditEntry;
import dev.flywheel.service.catalogue.Catalogue;
import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.grpc.RefusedRequest;
import dev.flywheel.surveys.SurveyDefinition;
import dev.flywheel.surveys.SurveyDefinitionException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * An environment's surveys on the shared {@link Catalogue} life cycle: versioned definitions with a status (draft,
 * running, stopped); every change is serialised per environment, audited with who/when/before/after, and reaches
 * every replica's {@link SurveySnapshots} when it commits.
 */
@ApplicationScoped
public class SurveyCatalog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Catalogue<SurveyEnvironmentEntity> CATALOGUE = SurveyEnvironmentEntity.CATALOGUE;
    /** Surveys per environment, at most: each is checked for every person asking what to show. */
    public static final int MAX_SURVEYS = 200;

    private final SurveyRepository surveys;
    private final SurveyAuditRepository audit;

    public SurveyCatalog(SurveyRepository surveys, SurveyAuditRepository audit) {
        this.surveys = surveys;
        this.audit = audit;
    }

    /** A stored survey. */
    public record Stored(String key, String environment, String definition, SurveyStatus status, long version,
            Instant updatedAt) {
    }

    @WithSession
    public Uni<List<Stored>> list(String project, String environment) {
        return surveys.listByEnvironment(project, environment)
                .map(list -> list.stream().map(SurveyCatalog::stored).toList());
    }

    @WithSession
    public Uni<Stored> get(String project, String environment, String key) {
        return surveys.findByKey(project, environment, key).onItem().ifNull()
                .failWith(() -> CATALOGUE.notFound(key, environment)).map(SurveyCatalog::stored);
    }

    /**
     * Creates (as a draft) or replaces a definition.
     *
     * @param expectedVersion
     *            0: any; -1: create only; else the version last read
     */
    @WithTransaction
    public Uni<Stored> put(String project, String environment, String key, String definition, long expectedVersion,
            String actor) {
        try {
            SurveyDefinition.parse(key, definition);
        } catch (SurveyDefinitionException e) {
            throw RefusedRequest.invalid("the definition has problems: " + String.join("; ", e.problems()));
        }
        return CATALOGUE.change(new EnvironmentKey(project, environment), env -> surveys
                .findByKey(project, environment, key).flatMap(existing -> {
                    CATALOGUE.checkVersion(key, existing == null ? null : existing.version, expectedVersion);
                    Uni<Long> count = existing == null
                            ? surveys.countByEnvironment(project, environment)
                            : Uni.createFrom().item(0L);
                    return count.flatMap(surveysNow -> {
                        if (surveysNow >= MAX_SURVEYS) {
                            throw RefusedRequest.invalid("an environment has at most " + MAX_SURVEYS
                                    + " surveys");
                        }
                        Instant now = Instant.now();
                        env.bump(now);
                        String before = existing == null ? null : existing.definition;
                        SurveyEntity survey = existing;
                        if (survey == null) {
                            survey = new SurveyEntity();
                            survey.projectId = project;
                            survey.environment = environment;
                            survey.key = key;
                            survey.status = (short) SurveyStatus.SURVEY_STATUS_DRAFT.getNumber();
                        }
                        survey.definition = definition;
                        survey.version = existing == null ? 1 : existing.version + 1;
                        survey.updatedAt = now;
                        Uni<SurveyEntity> saved = existing == null
                                ? surveys.persist(survey)
                                : Uni.createFrom().item(survey);
                        return saved.call(s -> record(s, existing == null ? "created" : "updated", actor, before,
                                definition, now)).map(SurveyCatalog::stored);
                    });
                }));
    }

    @WithTransaction
    public Uni<Stored> setStatus(String project, String environment, String key, SurveyStatus status,
            long expectedVersion, String actor) {
        if (status != SurveyStatus.SURVEY_STATUS_RUNNING && status != SurveyStatus.SURVEY_STATUS_STOPPED) {
            throw RefusedRequest.invalid("status is running or stopped");
        }
        return CATALOGUE.changeExisting(new EnvironmentKey(project, environment), key, env -> surveys
                .findByKey(project, environment, key).flatMap(existing -> {
                    if (existing == null) {
                        return Uni.createFrom().failure(CATALOGUE.notFound(key, environment));
                    }
                    CATALOGUE.checkVersion(key, existing.version, expectedVersion);
                    String before = statusJson(existing);
                    Instant now = Instant.now();
                    env.bump(now);
                    existing.status = (short) status.getNumber();
                    existing.version++;
                    existing.updatedAt = now;
                    String action = status == SurveyStatus.SURVEY_STATUS_RUNNING ? "started" : "stopped";
                    return record(existing, action, actor, before, statusJson(existing), now)
                            .replaceWith(stored(existing));
                }));
    }

    @WithTransaction
    public Uni<Void> delete(String project, String environment, String key, long expectedVersion, String actor) {
        return CATALOGUE.changeExisting(new EnvironmentKey(project, environment), key, env -> surveys
                .findByKey(project, environment, key).flatMap(existing -> {
                    if (existing == null) {
                        return Uni.createFrom().failure(CATALOGUE.notFound(key, environment));
                    }
                    CATALOGUE.checkVersion(key, existing.version, expectedVersion);
                    Instant now = Instant.now();
                    env.bump(now);
                    return surveys.delete(existing)
                            .call(ignored -> record(existing, "deleted", actor, existing.definition, null, now))
                            .replaceWithVoid();
                }));
    }

    /** The environment's survey changes, newest first. */
    @WithSession
    public Uni<List<AuditEntry>> audit(String project, String environment, String key, long beforeId,
            int pageSize) {
        return audit.page(project, environment, key == null || key.isEmpty() ? null : key, beforeId,
                AuditEntry.pageSize(pageSize)).map(page -> page.stream().map(SurveyAuditEntity::entry).toList());
    }

    private Uni<SurveyAuditEntity> record(SurveyEntity survey, String action, String actor, String before,
            String after, Instant at) {
        SurveyAuditEntity entry = new SurveyAuditEntity();
        entry.projectId = survey.projectId;
        entry.environment = survey.environment;
        entry.describe(survey.key, action, actor, at, before, after, survey.version, null);
        return CATALOGUE.audit(entry);
    }

    private static String statusJson(SurveyEntity survey) {
        try {
            return JSON.writeValueAsString(Map.of("status", SurveyStatus.forNumber(survey.status).name()
                    .substring("SURVEY_STATUS_".length()).toLowerCase(java.util.Locale.ROOT)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private static Stored stored(SurveyEntity survey) {
        return new Stored(survey.key, survey.environment, survey.definition, SurveyStatus.forNumber(survey.status),
                survey.version, survey.updatedAt);
    }
}
