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
import dev.flywheel.assignment.repository.ExperimentChangeChannel;
import dev.flywheel.assignment.repository.ExperimentEntity;
import dev.flywheel.assignment.repository.ExperimentEnvironmentEntity;
import dev.flywheel.assignment.repository.ExperimentEnvironmentRepository;
import dev.flywheel.assignment.repository.ExperimentRepository;
import dev.flywheel.assignment.repository.ProjectSettingsEntity;
import dev.flywheel.assignment.repository.ProjectSettingsRepository;
import dev.flywheel.experiments.ExperimentDefinition;
import dev.flywheel.experiments.ExperimentDefinitionException;
import dev.flywheel.experiments.ExperimentStatus;
import dev.flywheel.service.tenancy.Environments;
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
    /** expected_version meaning "create only". */
    public static final long CREATE_ONLY = -1;
    public static final double MAX_HOLDOUT = 0.5;

    private final ExperimentEnvironmentRepository environments;
    private final ExperimentRepository experiments;
    private final ExperimentAuditRepository audit;
    private final ProjectSettingsRepository settings;

    public ExperimentManagementService(ExperimentEnvironmentRepository environments,
            ExperimentRepository experiments, ExperimentAuditRepository audit, ProjectSettingsRepository settings) {
        this.environments = environments;
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
        checkEnvironment(environment);
        return environments.findByName(projectId, environment).flatMap(env -> env == null
                ? Uni.createFrom().item(new ExperimentList(List.of(), 0))
                : experiments.listByEnvironment(env.id, status == null ? null : status.name())
                        .map(list -> new ExperimentList(list, env.version)));
    }

    @WithSession
    public Uni<ExperimentEntity> get(String projectId, String environment, String key) {
        checkEnvironment(environment);
        return environments.findByName(projectId, environment)
                .flatMap(env -> env == null ? Uni.createFrom().nullItem() : experiments.findByKey(env.id, key))
                .onItem().ifNull().failWith(() -> notFound(key, environment));
    }

    @WithTransaction
    public Uni<PutResult> put(String projectId, String environment, String key, String definitionJson,
            long expectedVersion, String actor, String comment) {
        checkEnvironment(environment);
        ExperimentDefinition definition = parse(key, definitionJson);
        String stored = definition.toJson();
        return environments.lockOrCreate(projectId, environment).flatMap(env -> experiments.findByKey(env.id, key)
                .flatMap(existing -> {
                    checkExpectedVersion(key, existing, expectedVersion);
                    if (existing != null && existing.releasedVariation != null
                            && definition.variationIndex(existing.releasedVariation) < 0) {
                        throw new ExperimentException(ExperimentFailure.INVALID, "the released variation '"
                                + existing.releasedVariation + "' must stay in the definition");
                    }
                    if (existing != null && existing.definition.equals(stored)) {
                        return Uni.createFrom().item(new PutResult(existing, false));
                    }
                    Instant now = Instant.now();
                    long version = bump(env, now);
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
                    return saved.flatMap(e -> record(projectId, environment, key,
                            existing == null ? "created" : "updated", actor, before, stored, version, comment, now)
                            .flatMap(ignored -> environments.notifyChanged(projectId, environment))
                            .replaceWith(new PutResult(e, existing == null)));
                }));
    }

    /**
     * Moves an experiment through its lifecycle. A stopped experiment may (re)name its released variation; nothing
     * returns to draft or running, because assignments and results from before would no longer mean anything.
     */
    @WithTransaction
    public Uni<ExperimentEntity> changeStatus(String projectId, String environment, String key,
            ExperimentStatus target, String releasedVariation, long expectedVersion, String actor, String comment) {
        checkEnvironment(environment);
        if (target == null) {
            throw new ExperimentException(ExperimentFailure.INVALID, "status must be RUNNING or STOPPED");
        }
        String release = releasedVariation == null || releasedVariation.isEmpty() ? null : releasedVariation;
        if (release != null && target != ExperimentStatus.STOPPED) {
            throw new ExperimentException(ExperimentFailure.INVALID,
                    "a variation is released only when stopping the experiment");
        }
        return environments.lockOrCreate(projectId, environment).flatMap(env -> experiments.findByKey(env.id, key)
                .flatMap(existing -> {
                    if (existing == null) {
                        return Uni.createFrom().failure(notFound(key, environment));
                    }
                    checkExpectedVersion(key, existing, expectedVersion);
                    ExperimentStatus current = ExperimentStatus.valueOf(existing.status);
                    boolean rerelease = current == ExperimentStatus.STOPPED && target == ExperimentStatus.STOPPED;
                    if (!rerelease && !current.canBecome(target)) {
                        throw new ExperimentException(ExperimentFailure.FAILED_PRECONDITION, "experiment '" + key
                                + "' is " + current.name().toLowerCase() + " and cannot become "
                                + target.name().toLowerCase() + " (draft -> running -> stopped)");
                    }
                    if (release != null && parse(key, existing.definition).variationIndex(release) < 0) {
                        throw new ExperimentException(ExperimentFailure.INVALID,
                                "'" + release + "' is not a variation of " + key);
                    }
                    String before = lifecycle(existing);
                    Instant now = Instant.now();
                    long version = bump(env, now);
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
                            comment, now)
                            .flatMap(ignored -> environments.notifyChanged(projectId, environment))
                            .replaceWith(existing);
                }));
    }

    /** Deletes a draft; an experiment that ran keeps its record for its results and audit trail. */
    @WithTransaction
    public Uni<Long> delete(String projectId, String environment, String key, long expectedVersion, String actor,
            String comment) {
        checkEnvironment(environment);
        return environments.findByName(projectId, environment)
                .flatMap(found -> found == null
                        ? Uni.createFrom().failure(notFound(key, environment))
                        : environments.lockOrCreate(projectId, environment))
                .flatMap(env -> experiments.findByKey(env.id, key).flatMap(existing -> {
                    if (existing == null) {
                        return Uni.createFrom().failure(notFound(key, environment));
                    }
                    checkExpectedVersion(key, existing, expectedVersion);
                    if (!ExperimentStatus.DRAFT.name().equals(existing.status)) {
                        throw new ExperimentException(ExperimentFailure.FAILED_PRECONDITION, "experiment '" + key
                                + "' has run; stop it instead of deleting it");
                    }
                    Instant now = Instant.now();
                    long version = bump(env, now);
                    return experiments.delete(existing)
                            .flatMap(ignored -> record(projectId, environment, key, "deleted", actor,
                                    existing.definition, null, version, comment, now))
                            .flatMap(ignored -> environments.notifyChanged(projectId, environment))
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
            throw new ExperimentException(ExperimentFailure.INVALID,
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
                    .flatMap(ignored -> environments.notifyChanged(projectId, ExperimentChangeChannel.ALL_ENVIRONMENTS))
                    .replaceWith(s));
        });
    }

    @WithSession
    public Uni<List<ExperimentAuditEntity>> audit(String projectId, String environment, String key, long beforeId,
            int pageSize) {
        if (environment != null && !environment.isEmpty()) {
            checkEnvironment(environment);
        }
        int size = pageSize <= 0 ? 50 : Math.min(pageSize, 500);
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
        entry.key = key;
        entry.action = action;
        entry.actor = actor;
        entry.at = at;
        entry.beforeJson = before;
        entry.afterJson = after;
        entry.version = version;
        entry.comment = comment == null || comment.isEmpty() ? null : comment;
        return audit.persist(entry);
    }

    private static long bump(ExperimentEnvironmentEntity env, Instant now) {
        env.updatedAt = now;
        return ++env.version;
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
            throw new ExperimentException(ExperimentFailure.INVALID, "the experiment definition was rejected",
                    e.problems());
        }
    }

    private static void checkExpectedVersion(String key, ExperimentEntity existing, long expectedVersion) {
        if (expectedVersion == CREATE_ONLY && existing != null) {
            throw new ExperimentException(ExperimentFailure.CONFLICT, "experiment '" + key + "' already exists");
        }
        if (expectedVersion > 0 && (existing == null || existing.version != expectedVersion)) {
            throw new ExperimentException(ExperimentFailure.CONFLICT, "experiment '" + key + "' is at version "
                    + (existing == null ? "none (deleted)" : existing.version) + ", not " + expectedVersion
                    + ": read it again and retry");
        }
    }

    private static void checkEnvironment(String environment) {
        if (!Environments.isName(environment)) {
            throw new ExperimentException(ExperimentFailure.INVALID, Environments.NAME_RULE);
        }
    }

    private static ExperimentException notFound(String key, String environment) {
        return new ExperimentException(ExperimentFailure.NOT_FOUND,
                "experiment '" + key + "' does not exist in " + environment);
    }
}
