package dev.flywheel.assignment.service;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.assignment.repository.ExperimentAuditEntity;
import dev.flywheel.assignment.repository.ExperimentAuditRepository;
import dev.flywheel.assignment.repository.ExperimentEntity;
import dev.flywheel.assignment.repository.ExperimentEnvironmentEntity;
import dev.flywheel.assignment.repository.ExperimentRepository;
import dev.flywheel.assignment.repository.ProjectSettingsEntity;
import dev.flywheel.assignment.repository.ProjectSettingsRepository;
import dev.flywheel.experiments.ExperimentDefinition;
import dev.flywheel.experiments.ExperimentDefinitionException;
import dev.flywheel.experiments.ExperimentStatus;
import dev.flywheel.service.catalogue.AuditEntry;
import dev.flywheel.service.catalogue.Catalogue;
import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Experiment management for one environment at a time. Definitions are validated as a whole; changes to an
 * environment are serialised (its row is locked), bump its version, are audited with who/when/before/after and
 * notify every replica on commit. The lifecycle only moves forward: draft, running, stopped.
 */
@ApplicationScoped
public class ExperimentManagementService {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Catalogue<ExperimentEnvironmentEntity> CATALOGUE = ExperimentEnvironmentEntity.CATALOGUE;
    public static final double MAX_HOLDOUT = 0.5;

    private final ExperimentRepository experiments;
    private final ExperimentAuditRepository audit;
    private final ProjectSettingsRepository settings;

    public ExperimentManagementService(ExperimentRepository experiments, ExperimentAuditRepository audit,
            ProjectSettingsRepository settings) {
        this.experiments = experiments;
        this.audit = audit;
        this.settings = settings;
    }

    public record ExperimentList(List<ExperimentEntity> experiments, long environmentVersion) {
    }

    public record PutResult(ExperimentEntity experiment, boolean created) {
    }

    @WithSession
    public Uni<ExperimentList> list(String projectId, String environment, ExperimentStatus status) {
        return CATALOGUE.find(key(projectId, environment)).flatMap(env -> env == null
                ? Uni.createFrom().item(new ExperimentList(List.of(), 0))
                : experiments.listByEnvironment(env.id, status == null ? null : status.name())
                        .map(list -> new ExperimentList(list, env.version)));
    }

    @WithSession
    public Uni<ExperimentEntity> get(String projectId, String environment, String key) {
        return CATALOGUE.find(key(projectId, environment))
                .flatMap(env -> env == null ? Uni.createFrom().nullItem() : experiments.findByKey(env.id, key))
                .onItem().ifNull().failWith(() -> CATALOGUE.notFound(key, environment));
    }

    @WithTransaction
    public Uni<PutResult> put(String projectId, String environment, String key, String definitionJson,
            long expectedVersion, String actor, String comment) {
        EnvironmentKey where = key(projectId, environment);
        ExperimentDefinition definition = parse(key, definitionJson);
        String stored = definition.toJson();
        return CATALOGUE.change(where, env -> experiments.findByKey(env.id, key)
                .flatMap(existing -> {
                    checkVersion(key, existing, expectedVersion);
                    if (existing != null && existing.releasedVariation != null
                            && definition.variationIndex(existing.releasedVariation) < 0) {
                        throw new RefusedRequest(Refusal.INVALID, "the released variation '"
                                + existing.releasedVariation + "' must stay in the definition");
                    }
                    if (existing != null && existing.definition.equals(stored)) {
                        return Uni.createFrom().item(new PutResult(existing, false));
                    }
                    Instant now = Instant.now();
                    long version = env.bump(now);
                    String before = existing == null ? null : existing.definition;
                    ExperimentEntity experiment = existing;
                    if (experiment == null) {
                        experiment = new ExperimentEntity();
                        experiment.environmentId = env.id;
                        experiment.key = key;
                        experiment.status = ExperimentStatus.DRAFT.name();
                        experiment.createdAt = now;
                    }
                    experiment.definition = stored;
                    touch(experiment, version, now, actor);
                    Uni<ExperimentEntity> saved = existing == null
                            ? experiments.persist(experiment)
                            : Uni.createFrom().item(experiment);
                    return saved.call(e -> record(projectId, environment, key,
                            existing == null ? "created" : "updated", actor, before, stored, version, comment, now))
                            .map(e -> new PutResult(e, existing == null));
                }));
    }

    /**
     * Moves an experiment through its lifecycle. A stopped experiment may (re)name its released variation; nothing
     * returns to draft or running, because assignments and results from before would no longer mean anything.
     */
    @WithTransaction
    public Uni<ExperimentEntity> changeStatus(String projectId, String environment, String key,
            ExperimentStatus target, String releasedVariation, long expectedVersion, String actor, String comment) {
        EnvironmentKey where = key(projectId, environment);
        if (target == null) {
            throw new RefusedRequest(Refusal.INVALID, "status must be RUNNING or STOPPED");
        }
        String release = releasedVariation == null || releasedVariation.isEmpty() ? null : releasedVariation;
        if (release != null && target != ExperimentStatus.STOPPED) {
            throw new RefusedRequest(Refusal.INVALID,
                    "a variation is released only when stopping the experiment");
        }
        return CATALOGUE.change(where, env -> experiments.findByKey(env.id, key)
                .flatMap(existing -> {
                    if (existing == null) {
                        return Uni.createFrom().failure(CATALOGUE.notFound(key, environment));
                    }
                    checkVersion(key, existing, expectedVersion);
                    ExperimentStatus current = ExperimentStatus.valueOf(existing.status);
                    boolean rerelease = current == ExperimentStatus.STOPPED && target == ExperimentStatus.STOPPED;
                    if (!rerelease && !current.canBecome(target)) {
                        throw new RefusedRequest(Refusal.FAILED_PRECONDITION, "experiment '" + key
                                + "' is " + current.name().toLowerCase() + " and cannot become "
                                + target.name().toLowerCase() + " (draft -> running -> stopped)");
                    }
                    if (release != null && parse(key, existing.definition).variationIndex(release) < 0) {
                        throw new RefusedRequest(Refusal.INVALID,
                                "'" + release + "' is not a variation of " + key);
                    }
                    String before = lifecycle(existing);
                    Instant now = Instant.now();
                    long version = env.bump(now);
                    existing.status = target.name();
                    existing.releasedVariation = release;
                    if (target == ExperimentStatus.RUNNING) {
                        existing.startedAt = now;
                    } else if (!rerelease) {
                        existing.stoppedAt = now;
                    }
                    touch(existing, version, now, actor);
                    String action = target == ExperimentStatus.RUNNING
                            ? "started"
                            : rerelease ? "released" : "stopped";
                    return record(projectId, environment, key, action, actor, before, lifecycle(existing), version,
                            comment, now).replaceWith(existing);
                }));
    }

    /** Deletes a draft; an experiment that ran keeps its record for its results and audit trail. */
    @WithTransaction
    public Uni<Long> delete(String projectId, String environment, String key, long expectedVersion, String actor,
            String comment) {
        return CATALOGUE.changeExisting(key(projectId, environment), key,
                env -> experiments.findByKey(env.id, key).flatMap(existing -> {
                    if (existing == null) {
                        return Uni.createFrom().failure(CATALOGUE.notFound(key, environment));
                    }
                    checkVersion(key, existing, expectedVersion);
                    if (!ExperimentStatus.DRAFT.name().equals(existing.status)) {
                        throw new RefusedRequest(Refusal.FAILED_PRECONDITION, "experiment '" + key
                                + "' has run; stop it instead of deleting it");
                    }
                    Instant now = Instant.now();
                    long version = env.bump(now);
                    return experiments.delete(existing)
                            .call(ignored -> record(projectId, environment, key, "deleted", actor,
                                    existing.definition, null, version, comment, now))
                            .replaceWith(version);
                }));
    }

    @WithSession
    public Uni<ProjectSettingsEntity> settings(String projectId) {
        return settings.findById(projectId).map(found -> found != null ? found : defaults(projectId));
    }

    @WithTransaction
    public Uni<ProjectSettingsEntity> putSettings(String projectId, double holdoutShare, String actor,
            String comment) {
        if (!(holdoutShare >= 0 && holdoutShare <= MAX_HOLDOUT)) {
            throw new RefusedRequest(Refusal.INVALID,
                    "holdout_share must be between 0 and " + MAX_HOLDOUT);
        }
        return settings.findById(projectId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).flatMap(found -> {
            ProjectSettingsEntity current = found != null ? found : defaults(projectId);
            if (found != null && current.holdoutShare == holdoutShare) {
                return Uni.createFrom().item(current);
            }
            String before = found == null ? null : settingsJson(current);
            Instant now = Instant.now();
            current.holdoutShare = holdoutShare;
            current.version++;
            current.updatedAt = now;
            current.updatedBy = actor;
            Uni<ProjectSettingsEntity> saved = found == null
                    ? settings.persist(current)
                    : Uni.createFrom().item(current);
            return saved.flatMap(s -> record(projectId, null, null, "settings", actor, before, settingsJson(s),
                    s.version, comment, now)
                    .call(ignored -> CATALOGUE.notifyChanged(
                            new EnvironmentKey(projectId, EnvironmentKey.ALL_ENVIRONMENTS)))
                    .replaceWith(s));
        });
    }

    @WithSession
    public Uni<List<ExperimentAuditEntity>> audit(String projectId, String environment, String key, long beforeId,
            int pageSize) {
        if (environment != null && !environment.isEmpty()) {
            CATALOGUE.checkEnvironment(environment);
        }
        int size = AuditEntry.pageSize(pageSize);
        return audit.page(projectId, environment == null || environment.isEmpty() ? null : environment,
                key == null || key.isEmpty() ? null : key, beforeId, size);
    }

    private static ProjectSettingsEntity defaults(String projectId) {
        ProjectSettingsEntity defaults = new ProjectSettingsEntity();
        defaults.projectId = projectId;
        defaults.updatedAt = Instant.EPOCH;
        defaults.updatedBy = "default";
        return defaults;
    }

    private Uni<ExperimentAuditEntity> record(String projectId, String environment, String key, String action,
            String actor, String before, String after, long version, String comment, Instant at) {
        ExperimentAuditEntity entry = new ExperimentAuditEntity();
        entry.projectId = projectId;
        entry.environment = environment;
        entry.describe(key, action, actor, at, before, after, version, comment);
        return CATALOGUE.audit(entry);
    }

    private static EnvironmentKey key(String projectId, String environment) {
        CATALOGUE.checkEnvironment(environment);
        return new EnvironmentKey(projectId, environment);
    }

    private static void touch(ExperimentEntity experiment, long version, Instant now, String actor) {
        experiment.version = version;
        experiment.updatedAt = now;
        experiment.updatedBy = actor;
    }

    private static String lifecycle(ExperimentEntity experiment) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("status", experiment.status);
        if (experiment.releasedVariation != null) {
            state.put("releasedVariation", experiment.releasedVariation);
        }
        return json(state);
    }

    private static String settingsJson(ProjectSettingsEntity s) {
        return json(Map.of("holdoutShare", s.holdoutShare));
    }

    private static String json(Object tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    static ExperimentDefinition parse(String key, String json) {
        try {
            return ExperimentDefinition.parse(key, json);
        } catch (ExperimentDefinitionException e) {
            throw new RefusedRequest(Refusal.INVALID, "the experiment definition was rejected",
                    e.problems());
        }
    }

    private static void checkVersion(String key, ExperimentEntity existing, long expectedVersion) {
        CATALOGUE.checkVersion(key, existing == null ? null : existing.version, expectedVersion);
    }
}
