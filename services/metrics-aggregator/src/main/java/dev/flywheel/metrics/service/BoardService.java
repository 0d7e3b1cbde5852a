package dev.flywheel.metrics.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.util.JsonFormat;

import dev.flywheel.metrics.model.BoardDefinitions;
import dev.flywheel.metrics.repository.BoardAuditEntity;
import dev.flywheel.metrics.repository.BoardAuditRepository;
import dev.flywheel.metrics.repository.BoardCatalogueEntity;
import dev.flywheel.metrics.repository.BoardEntity;
import dev.flywheel.metrics.repository.BoardRepository;
import dev.flywheel.proto.analytics.v1.Dashboard;
import dev.flywheel.proto.analytics.v1.DashboardTile;
import dev.flywheel.proto.analytics.v1.SavedInsight;
import dev.flywheel.service.catalogue.AuditEntry;
import dev.flywheel.service.catalogue.Catalogue;
import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * A project's saved insights and dashboards on the shared {@link Catalogue} life cycle: versioned, every change
 * serialised per project, audited with who/when/before/after. A dashboard names only insights that exist, and an
 * insight a dashboard shows cannot be deleted (the dashboards are named).
 */
@ApplicationScoped
public class BoardService {

    /** One kind of board definition: where it is stored and how its stored fields are set. */
    public record Collection<T extends Message>(String name, String what, int max, Parser<T> parser,
            UnaryOperator<T> validate, Stamp<T> stamp) {
    }

    /** Sets the service's fields (version, who, when) on a definition read or written. */
    @FunctionalInterface
    public interface Stamp<T> {
        T apply(T definition, long version, String by, Instant at);
    }

    public static final Collection<SavedInsight> INSIGHTS = new Collection<>("insights", "insight", 1_000,
            SavedInsight.parser(), BoardDefinitions::validate, (insight, version, by, at) -> insight.toBuilder()
                    .setVersion(version).setUpdatedBy(by).setUpdatedAt(at.toString()).build());
    public static final Collection<Dashboard> DASHBOARDS = new Collection<>("dashboards", "dashboard", 200,
            Dashboard.parser(), BoardDefinitions::validate, (dashboard, version, by, at) -> dashboard.toBuilder()
                    .setVersion(version).setUpdatedBy(by).setUpdatedAt(at.toString()).build());

    private static final Catalogue<BoardCatalogueEntity> CATALOGUE = BoardCatalogueEntity.CATALOGUE;
    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final BoardRepository boards;
    private final BoardAuditRepository audit;

    public BoardService(BoardRepository boards, BoardAuditRepository audit) {
        this.boards = boards;
        this.audit = audit;
    }

    @WithSession
    public <T extends Message> Uni<List<T>> list(String projectId, Collection<T> collection) {
        return boards.list(projectId, collection.name())
                .map(list -> list.stream().map(stored -> read(collection, stored)).toList());
    }

    @WithSession
    public <T extends Message> Uni<T> get(String projectId, Collection<T> collection, String key) {
        return boards.find(projectId, collection.name(), key).onItem().ifNull()
                .failWith(() -> RefusedRequest.notFound(collection.what(), key, null))
                .map(stored -> read(collection, stored));
    }

    /**
     * @param expectedVersion
     *            0: any; -1: create only; else the version last read
     */
    @WithTransaction
    public <T extends Message> Uni<T> put(String projectId, Collection<T> collection, T definition, String key,
            long expectedVersion, String actor) {
        T checked = collection.validate().apply(definition);
        return CATALOGUE.change(projectWide(projectId), project -> boards.find(projectId, collection.name(), key)
                .chain(existing -> {
                    CATALOGUE.checkVersion(key, existing == null ? null : existing.version, expectedVersion);
                    Uni<Long> count = existing == null
                            ? boards.count(projectId, collection.name())
                            : Uni.createFrom().item(0L);
                    return count.chain(defined -> {
                        if (defined >= collection.max()) {
                            throw RefusedRequest.invalid("a project has at most " + collection.max() + " "
                                    + collection.name());
                        }
                        return tilesExist(projectId, checked);
                    }).chain(() -> {
                        Instant now = Instant.now();
                        project.bump(now);
                        T before = existing == null ? null : read(collection, existing);
                        BoardEntity stored = existing != null ? existing : new BoardEntity();
                        stored.projectId = projectId;
                        stored.collection = collection.name();
                        stored.key = key;
                        stored.definition = checked.toByteArray();
                        stored.version = existing == null ? 1 : existing.version + 1;
                        stored.updatedBy = actor;
                        stored.updatedAt = now;
                        T after = read(collection, stored);
                        return (existing == null ? boards.persist(stored) : Uni.createFrom().item(stored))
                                .call(saved -> record(projectId, collection, key, existing == null
                                        ? "created"
                                        : "updated", actor, before, after, stored.version, now))
                                .replaceWith(after);
                    });
                }));
    }

    @WithTransaction
    public <T extends Message> Uni<Void> delete(String projectId, Collection<T> collection, String key,
            long expectedVersion, String actor) {
        return CATALOGUE.change(projectWide(projectId), project -> boards.find(projectId, collection.name(), key)
                .chain(existing -> {
                    if (existing == null) {
                        return Uni.createFrom().failure(RefusedRequest.notFound(collection.what(), key, null));
                    }
                    CATALOGUE.checkVersion(key, existing.version, expectedVersion);
                    Uni<Void> unused = collection == INSIGHTS
                            ? shownOn(projectId, key).invoke(dashboards -> {
                                if (!dashboards.isEmpty()) {
                                    throw new RefusedRequest(Refusal.FAILED_PRECONDITION, "insight '" + key
                                            + "' is shown on the dashboards " + dashboards
                                            + ": take it off them first");
                                }
                            }).replaceWithVoid()
                            : Uni.createFrom().voidItem();
                    return unused.chain(() -> {
                        Instant now = Instant.now();
                        project.bump(now);
                        T before = read(collection, existing);
                        return boards.delete(existing).call(() -> record(projectId, collection, key, "deleted",
                                actor, before, null, existing.version, now));
                    });
                })).replaceWithVoid();
    }

    /** The project's board changes, newest first; {@code key} ("insights/<key>") narrows to one. */
    @WithSession
    public Uni<List<AuditEntry>> audit(String projectId, String key, long beforeId, int pageSize) {
        return audit.page(projectId, key == null || key.isEmpty() ? null : key, beforeId,
                AuditEntry.pageSize(pageSize)).map(page -> page.stream().map(BoardAuditEntity::entry).toList());
    }

    /** Refuses a dashboard whose tiles name insights that do not exist (naming them). */
    private Uni<Void> tilesExist(String projectId, Message checked) {
        if (!(checked instanceof Dashboard dashboard) || dashboard.getTilesCount() == 0) {
            return Uni.createFrom().voidItem();
        }
        List<String> named = new ArrayList<>(new LinkedHashSet<>(dashboard.getTilesList().stream()
                .map(DashboardTile::getInsightKey).toList()));
        return boards.existing(projectId, INSIGHTS.name(), named).invoke(existing -> {
            List<String> missing = named.stream().filter(key -> !existing.contains(key)).toList();
            if (!missing.isEmpty()) {
                throw RefusedRequest.invalid("tiles: no saved insight " + missing);
            }
        }).replaceWithVoid();
    }

    /** The keys of the dashboards that show an insight. */
    private Uni<List<String>> shownOn(String projectId, String insightKey) {
        return boards.list(projectId, DASHBOARDS.name()).map(list -> list.stream()
                .map(stored -> read(DASHBOARDS, stored))
                .filter(dashboard -> dashboard.getTilesList().stream()
                        .anyMatch(tile -> tile.getInsightKey().equals(insightKey)))
                .map(Dashboard::getKey).toList());
    }

    private <T extends Message> Uni<BoardAuditEntity> record(String projectId, Collection<T> collection, String key,
            String action, String actor, T before, T after, long version, Instant at) {
        BoardAuditEntity entry = new BoardAuditEntity();
        entry.projectId = projectId;
        entry.describe(collection.name() + "/" + key, action, actor, at, json(before), json(after), version, null);
        return CATALOGUE.audit(entry);
    }

    private static EnvironmentKey projectWide(String projectId) {
        return new EnvironmentKey(projectId, EnvironmentKey.ALL_ENVIRONMENTS);
    }

    private static String json(Message definition) {
        try {
            return definition == null ? null : JSON.print(definition);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a board definition could not be written as JSON", e);
        }
    }

    private static <T extends Message> T read(Collection<T> collection, BoardEntity stored) {
        try {
            return collection.stamp().apply(collection.parser().parseFrom(stored.definition), stored.version,
                    stored.updatedBy, stored.updatedAt);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored " + collection.what() + " is unreadable", e);
        }
    }
}
