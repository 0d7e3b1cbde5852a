package dev.flywheel.featureflags.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.featureflags.repository.FlagAuditEntity;
import dev.flywheel.featureflags.repository.FlagAuditRepository;
import dev.flywheel.featureflags.repository.FlagEntity;
import dev.flywheel.featureflags.repository.FlagEnvironmentEntity;
import dev.flywheel.featureflags.repository.FlagRepository;
import dev.flywheel.flags.FlagDocument;
import dev.flywheel.flags.FlagDocumentException;
import dev.flywheel.flags.FlagSet;
import dev.flywheel.service.catalogue.AuditEntry;
import dev.flywheel.service.catalogue.Catalogue;
import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Flag management for one environment at a time, on the shared {@link Catalogue} life cycle: every change is
 * validated as a whole, serialised per environment, raises the environment's version, is audited with
 * who/when/before/after, and notifies every replica when it commits.
 */
@ApplicationScoped
public class FlagManagementService {

    private static final Catalogue<FlagEnvironmentEntity> CATALOGUE = FlagEnvironmentEntity.CATALOGUE;

    private final FlagRepository flags;
    private final FlagAuditRepository audit;

    public FlagManagementService(FlagRepository flags, FlagAuditRepository audit) {
        this.flags = flags;
        this.audit = audit;
    }

    public record FlagList(List<FlagEntity> flags, long environmentVersion) {
    }

    public record PutResult(FlagEntity flag, boolean created, List<String> warnings) {
    }

    public record ImportResult(List<String> created, List<String> updated, List<String> deleted,
            List<String> unchanged, List<String> warnings, long environmentVersion) {
    }

    public record Export(String documentJson, long environmentVersion) {
    }

    @WithSession
    public Uni<FlagList> list(String projectId, String environment) {
        return CATALOGUE.find(key(projectId, environment)).flatMap(env -> env == null
                ? Uni.createFrom().item(new FlagList(List.of(), 0))
                : flags.listByEnvironment(env.id).map(list -> new FlagList(list, env.version)));
    }

    @WithSession
    public Uni<FlagEntity> get(String projectId, String environment, String key) {
        return CATALOGUE.find(key(projectId, environment))
                .flatMap(env -> env == null ? Uni.createFrom().nullItem() : flags.findByKey(env.id, key))
                .onItem().ifNull().failWith(() -> CATALOGUE.notFound(key, environment));
    }

    @WithTransaction
    public Uni<PutResult> put(String projectId, String environment, String key, String definitionJson,
            long expectedVersion, String actor, String comment) {
        EnvironmentKey where = key(projectId, environment);
        Map<String, Object> definition = parseFlag(key, definitionJson);
        String stored = FlagDocument.write(definition);
        return CATALOGUE.change(where, env -> flags.findByKey(env.id, key).flatMap(existing -> {
            CATALOGUE.checkVersion(key, existing == null ? null : existing.version, expectedVersion);
            List<String> warnings = warnings(env, key, definition);
            if (existing != null && existing.definition.equals(stored)) {
                return Uni.createFrom().item(new PutResult(existing, false, warnings));
            }
            Instant now = Instant.now();
            long version = env.bump(now);
            Uni<FlagEntity> saved;
            String before = existing == null ? null : existing.definition;
            if (existing == null) {
                saved = flags.nextPosition(env.id).flatMap(position -> {
                    FlagEntity flag = new FlagEntity();
                    flag.environmentId = env.id;
                    flag.key = key;
                    flag.position = position;
                    return flags.persist(write(flag, stored, version, now, actor));
                });
            } else {
                saved = Uni.createFrom().item(write(existing, stored, version, now, actor));
            }
            return saved.call(flag -> record(env, key, existing == null ? "created" : "updated", actor, before,
                    stored, version, comment, now))
                    .map(flag -> new PutResult(flag, existing == null, warnings));
        }));
    }

    @WithTransaction
    public Uni<Long> delete(String projectId, String environment, String key, long expectedVersion, String actor,
            String comment) {
        EnvironmentKey where = key(projectId, environment);
        return CATALOGUE.changeExisting(where, key, env -> flags.findByKey(env.id, key).flatMap(existing -> {
            if (existing == null) {
                return Uni.createFrom().failure(CATALOGUE.notFound(key, environment));
            }
            CATALOGUE.checkVersion(key, existing.version, expectedVersion);
            Instant now = Instant.now();
            long version = env.bump(now);
            return flags.delete(existing)
                    .call(ignored -> record(env, key, "deleted", actor, existing.definition, null, version, comment,
                            now))
                    .replaceWith(version);
        }));
    }

    @WithTransaction
    public Uni<ImportResult> importDocument(String projectId, String environment, String documentJson,
            boolean replace, String actor, String comment) {
        EnvironmentKey where = key(projectId, environment);
        FlagDocument document;
        try {
            document = FlagDocument.parse(documentJson);
        } catch (FlagDocumentException e) {
            throw new RefusedRequest(Refusal.INVALID, "the flag document was rejected as a whole",
                    e.problems());
        }
        List<String> warnings = FlagSet.compile(document).warnings();
        return CATALOGUE.change(where, env -> flags.listByEnvironment(env.id)
                .flatMap(existing -> applyImport(env, existing, document, replace, actor, comment, warnings)));
    }

    private Uni<ImportResult> applyImport(FlagEnvironmentEntity env, List<FlagEntity> existing, FlagDocument document,
            boolean replace, String actor, String comment, List<String> warnings) {
        Map<String, FlagEntity> current = new HashMap<>();
        long position = 0;
        for (FlagEntity flag : existing) {
            current.put(flag.key, flag);
            position = Math.max(position, flag.position);
        }
        Instant now = Instant.now();
        long version = env.version + 1;
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<Uni<?>> writes = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> entry : document.flags().entrySet()) {
            String key = entry.getKey();
            String stored = FlagDocument.write(entry.getValue());
            FlagEntity flag = current.remove(key);
            if (flag == null) {
                FlagEntity fresh = new FlagEntity();
                fresh.environmentId = env.id;
                fresh.key = key;
                fresh.position = ++position;
                created.add(key);
                writes.add(flags.persist(write(fresh, stored, version, now, actor)));
                writes.add(record(env, key, "created", actor, null, stored, version, comment, now));
            } else if (!flag.definition.equals(stored)) {
                String before = flag.definition;
                updated.add(key);
                write(flag, stored, version, now, actor);
                writes.add(record(env, key, "updated", actor, before, stored, version, comment, now));
            } else {
                unchanged.add(key);
            }
        }
        if (replace) {
            for (FlagEntity gone : current.values()) {
                deleted.add(gone.key);
                writes.add(flags.delete(gone));
                writes.add(record(env, gone.key, "deleted", actor, gone.definition, null, version, comment, now));
            }
        }
        String evaluators = FlagDocument.write(document.evaluators());
        if (!evaluators.equals(env.evaluators) && (replace || !document.evaluators().isEmpty())) {
            String merged = replace ? evaluators : mergeJson(env.evaluators, document.evaluators());
            writes.add(record(env, null, "evaluators", actor, env.evaluators, merged, version, comment, now));
            env.evaluators = merged;
        }
        String metadata = FlagDocument.write(document.metadata());
        if (!metadata.equals(env.metadata) && (replace || !document.metadata().isEmpty())) {
            writes.add(record(env, null, "metadata", actor, env.metadata, metadata, version, comment, now));
            env.metadata = metadata;
        }
        if (!Objects.equals(document.schema(), env.schemaUrl) && (replace || document.schema() != null)) {
            env.schemaUrl = document.schema();
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().item(new ImportResult(created, updated, deleted, unchanged, warnings, env.version));
        }
        env.bump(now);
        // one session: the writes must run one after another
        Uni<?> chain = Uni.createFrom().voidItem();
        for (Uni<?> w : writes) {
            chain = chain.flatMap(ignored -> w);
        }
        return chain.replaceWith(new ImportResult(created, updated, deleted, unchanged, warnings, version));
    }

    @WithSession
    public Uni<Export> export(String projectId, String environment) {
        return CATALOGUE.find(key(projectId, environment)).flatMap(env -> {
            if (env == null) {
                return Uni.createFrom()
                        .item(new Export(new FlagDocument(null, Map.of(), Map.of(), Map.of()).toJson(), 0));
            }
            return flags.listByEnvironment(env.id).map(list -> {
                Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
                for (FlagEntity flag : list) {
                    byKey.put(flag.key, readObject(flag.definition));
                }
                FlagDocument document = new FlagDocument(env.schemaUrl, byKey, readObject(env.evaluators),
                        readObject(env.metadata));
                return new Export(document.toJson(), env.version);
            });
        });
    }

    @WithSession
    public Uni<List<FlagAuditEntity>> audit(String projectId, String environment, String key, long beforeId,
            int pageSize) {
        int size = AuditEntry.pageSize(pageSize);
        return CATALOGUE.find(key(projectId, environment)).flatMap(env -> env == null
                ? Uni.createFrom().item(List.<FlagAuditEntity>of())
                : audit.page(env.id, key == null || key.isEmpty() ? null : key, beforeId, size));
    }

    private static EnvironmentKey key(String projectId, String environment) {
        CATALOGUE.checkEnvironment(environment);
        return new EnvironmentKey(projectId, environment);
    }

    private Uni<FlagAuditEntity> record(FlagEnvironmentEntity env, String key, String action, String actor,
            String before, String after, long version, String comment, Instant at) {
        FlagAuditEntity entry = new FlagAuditEntity();
        entry.environmentId = env.id;
        entry.environmentVersion = version;
        entry.describe(key, action, actor, at, before, after, version, comment);
        return CATALOGUE.audit(entry);
    }

    private static FlagEntity write(FlagEntity flag, String definition, long version, Instant now, String actor) {
        flag.definition = definition;
        flag.version = version;
        flag.updatedAt = now;
        flag.updatedBy = actor;
        return flag;
    }

    private List<String> warnings(FlagEnvironmentEntity env, String key, Map<String, Object> definition) {
        FlagDocument single = new FlagDocument(null, Map.of(key, definition), readObject(env.evaluators), Map.of());
        return FlagSet.compile(single).warnings();
    }

    private static Map<String, Object> parseFlag(String key, String json) {
        try {
            return FlagDocument.parseFlag(key, json);
        } catch (FlagDocumentException e) {
            throw new RefusedRequest(Refusal.INVALID, "the flag definition was rejected",
                    e.problems());
        }
    }

    static Map<String, Object> readObject(String json) {
        try {
            return FlagDocument.readObject(json);
        } catch (FlagDocumentException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getMessage(), e);
        }
    }

    private static String mergeJson(String currentJson, Map<String, Object> additions) {
        Map<String, Object> merged = new LinkedHashMap<>(readObject(currentJson));
        merged.putAll(additions);
        return FlagDocument.write(merged);
    }
}
