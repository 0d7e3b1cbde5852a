package dev.flywheel.metrics.service;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import dev.flywheel.metrics.model.MetricDefinitions;
import dev.flywheel.metrics.repository.ExperimentMetricEntity;
import dev.flywheel.metrics.repository.ExperimentMetricRepository;
import dev.flywheel.metrics.repository.MetricAuditEntity;
import dev.flywheel.metrics.repository.MetricAuditRepository;
import dev.flywheel.metrics.repository.MetricCatalogueEntity;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.service.catalogue.AuditEntry;
import dev.flywheel.service.catalogue.Catalogue;
import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.grpc.RefusedRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * A project's experiment metrics on the shared {@link Catalogue} life cycle: versioned, every change serialised per
 * project, audited with who/when/before/after and announced when it commits.
 */
@ApplicationScoped
public class MetricDefinitionService {

    /** Metrics per project, at most: each one costs per-unit state for every running experiment. */
    public static final int MAX_METRICS = 200;

    private static final Catalogue<MetricCatalogueEntity> CATALOGUE = MetricCatalogueEntity.CATALOGUE;
    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final ExperimentMetricRepository metrics;
    private final MetricAuditRepository audit;

    public MetricDefinitionService(ExperimentMetricRepository metrics, MetricAuditRepository audit) {
        this.metrics = metrics;
        this.audit = audit;
    }

    @WithSession
    public Uni<List<ExperimentMetric>> list(String projectId) {
        return metrics.listByProject(projectId)
                .map(list -> list.stream().map(MetricDefinitionService::read).toList());
    }

    @WithSession
    public Uni<ExperimentMetric> get(String projectId, String key) {
        return metrics.findByKey(projectId, key).onItem().ifNull().failWith(() -> notFound(key))
                .map(MetricDefinitionService::read);
    }

    /**
     * @param expectedVersion
     *            0: any; -1: create only; else the version last read
     */
    @WithTransaction
    public Uni<ExperimentMetric> put(String projectId, ExperimentMetric metric, long expectedVersion, String actor) {
        ExperimentMetric checked = MetricDefinitions.validate(metric);
        String key = checked.getKey();
        return CATALOGUE.change(projectWide(projectId), project -> metrics.lockAnalytics(projectId)
                .chain(() -> metrics.findByKey(projectId, key)).chain(existing -> {
                    CATALOGUE.checkVersion(key, existing == null ? null : existing.version, expectedVersion);
                    Uni<Long> count = existing == null
                            ? metrics.countByProject(projectId)
                            : Uni.createFrom().item(0L);
                    return count.chain(defined -> {
                        if (defined >= MAX_METRICS) {
                            throw RefusedRequest.invalid("a project has at most " + MAX_METRICS + " metrics");
                        }
                        ExperimentMetric before = existing == null ? null : read(existing);
                        // Renaming keeps the values; anything that changes what is computed starts them again.
                        boolean sameComputation = before != null && computed(before).equals(computed(checked));
                        // Without exposures in the project there is nothing to backfill.
                        Uni<String> cursor = sameComputation
                                ? Uni.createFrom().item(existing.rebuildCursor)
                                : metrics.forgetValues(projectId, key).chain(() -> metrics.exposed(projectId))
                                        .map(exposed -> exposed ? "" : null);
                        return cursor.chain(rebuildCursor -> {
                            Instant now = Instant.now();
                            project.bump(now);
                            ExperimentMetricEntity stored = existing != null ? existing : new ExperimentMetricEntity();
                            stored.projectId = projectId;
                            stored.key = key;
                            stored.definition = checked.toByteArray();
                            stored.version = existing == null ? 1 : existing.version + 1;
                            stored.updatedAt = now;
                            stored.rebuildCursor = rebuildCursor;
                            ExperimentMetric after = read(stored);
                            return (existing == null ? metrics.persist(stored) : Uni.createFrom().item(stored))
                                    .call(saved -> record(projectId, key, existing == null ? "created" : "updated",
                                            actor, before, after, now))
                                    .replaceWith(after);
                        });
                    });
                }));
    }

    @WithTransaction
    public Uni<Void> delete(String projectId, String key, long expectedVersion, String actor) {
        return CATALOGUE.change(projectWide(projectId), project -> metrics.lockAnalytics(projectId)
                .chain(() -> metrics.findByKey(projectId, key)).chain(existing -> {
                    if (existing == null) {
                        return Uni.createFrom().failure(notFound(key));
                    }
                    CATALOGUE.checkVersion(key, existing.version, expectedVersion);
                    Instant now = Instant.now();
                    project.bump(now);
                    ExperimentMetric before = read(existing);
                    return metrics.delete(existing).chain(() -> metrics.forgetValues(projectId, key))
                            .call(() -> record(projectId, key, "deleted", actor, before, null, now));
                }));
    }

    /** The project's metric changes, newest first. */
    @WithSession
    public Uni<List<AuditEntry>> audit(String projectId, String key, long beforeId, int pageSize) {
        return audit.page(projectId, key == null || key.isEmpty() ? null : key, beforeId,
                AuditEntry.pageSize(pageSize)).map(page -> page.stream().map(MetricAuditEntity::entry).toList());
    }

    private Uni<MetricAuditEntity> record(String projectId, String key, String action, String actor,
            ExperimentMetric before, ExperimentMetric after, Instant at) {
        MetricAuditEntity entry = new MetricAuditEntity();
        entry.projectId = projectId;
        entry.describe(key, action, actor, at, json(before), json(after), after != null
                ? after.getVersion()
                : before.getVersion(), null);
        return CATALOGUE.audit(entry);
    }

    private static EnvironmentKey projectWide(String projectId) {
        return new EnvironmentKey(projectId, EnvironmentKey.ALL_ENVIRONMENTS);
    }

    /** What decides a metric's values: the definition without its name and version. */
    private static ExperimentMetric computed(ExperimentMetric metric) {
        return metric.toBuilder().clearName().clearVersion().build();
    }

    private static String json(ExperimentMetric metric) {
        try {
            return metric == null ? null : JSON.print(metric);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a metric could not be written as JSON", e);
        }
    }

    private static ExperimentMetric read(ExperimentMetricEntity stored) {
        try {
            return ExperimentMetric.parseFrom(stored.definition).toBuilder().setVersion(stored.version).build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored metric definition is unreadable", e);
        }
    }

    private static RefusedRequest notFound(String key) {
        return RefusedRequest.notFound("metric", key, null);
    }
}
