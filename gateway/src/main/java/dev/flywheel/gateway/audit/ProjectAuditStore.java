package dev.flywheel.gateway.audit;

import static dev.flywheel.gateway.sql.SqlValues.instant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The gateway's own audit trail per project (V3 migration). */
@ApplicationScoped
public class ProjectAuditStore {

    /** One entry as stored. */
    public record Entry(long id, String actor, String action, String target, Map<String, Object> detail,
            Instant at) {
    }

    private final Pool pool;

    public ProjectAuditStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> append(UUID projectId, String actor, String action, String target, Map<String, ?> detail) {
        return pool.preparedQuery("INSERT INTO gateway.project_audit (project_id, actor, action, target, detail)"
                + " VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(projectId, actor, action, target,
                        new JsonObject(new LinkedHashMap<String, Object>(detail))))
                .replaceWithVoid();
    }

    /** Newest first, entries older than {@code beforeId} when given. */
    public Uni<List<Entry>> page(UUID projectId, Long beforeId, int limit) {
        return pool.preparedQuery("SELECT id, actor, action, target, detail, at FROM gateway.project_audit"
                + " WHERE project_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3")
                .execute(Tuple.of(projectId, beforeId, limit)).map(rows -> {
                    List<Entry> entries = new ArrayList<>();
                    for (Row row : rows) {
                        entries.add(new Entry(row.getLong("id"), row.getString("actor"), row.getString("action"),
                                row.getString("target"), ((JsonObject) row.getValue("detail")).getMap(),
                                instant(row, "at")));
                    }
                    return entries;
                });
    }
}
