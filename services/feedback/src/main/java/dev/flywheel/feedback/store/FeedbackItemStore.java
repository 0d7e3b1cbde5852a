package dev.flywheel.feedback.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.proto.common.v1.Scope;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The feedback widget's submissions. */
@ApplicationScoped
public class FeedbackItemStore {

    private static final String INSERT = """
            INSERT INTO feedback_item (project_id, environment, feedback_id, person_key, rating, comment, email,
                                       page_url, selector, screenshot, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""";

    private static final String LATEST = """
            SELECT feedback_id, rating, comment, email, page_url, selector, screenshot IS NOT NULL, created_at,
                   person_key
            FROM feedback_item WHERE project_id = $1 AND environment = $2
              AND ($3::timestamptz IS NULL OR created_at < $3)
            ORDER BY created_at DESC LIMIT $4""";

    private static final String SCREENSHOT = "SELECT screenshot FROM feedback_item WHERE project_id = $1"
            + " AND environment = $2 AND feedback_id = $3";

    /** A submission as stored (without its screenshot); text fields are null when not given. */
    public record Item(UUID id, int rating, String comment, String email, String pageUrl, String selector,
            boolean hasScreenshot, Instant createdAt, String personKey) {
    }

    private final Pool pool;

    public FeedbackItemStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(SqlClient transaction, Scope scope, UUID id, String personKey, Item item,
            byte[] screenshot) {
        return transaction.preparedQuery(INSERT).execute(Tuple.from(new Object[]{scope.getProjectId(),
                scope.getEnvironment(), id, personKey, (short) item.rating(), item.comment(), item.email(),
                item.pageUrl(), item.selector(), screenshot == null ? null : Buffer.buffer(screenshot),
                item.createdAt().atOffset(ZoneOffset.UTC)})).replaceWithVoid();
    }

    /** The latest submissions, older than {@code before} when given. */
    public Uni<List<Item>> latest(Scope scope, int limit, Instant before) {
        return pool.preparedQuery(LATEST).execute(Tuple.from(new Object[]{scope.getProjectId(),
                scope.getEnvironment(), before == null ? null : before.atOffset(ZoneOffset.UTC), limit}))
                .map(rows -> {
                    List<Item> out = new ArrayList<>();
                    for (Row row : rows) {
                        out.add(new Item(row.getUUID(0), row.getShort(1), row.getString(2), row.getString(3),
                                row.getString(4), row.getString(5), row.getBoolean(6),
                                row.getOffsetDateTime(7).toInstant(), row.getString(8)));
                    }
                    return out;
                });
    }

    /** The submission's screenshot (PNG), null when it has none or does not exist. */
    public Uni<byte[]> screenshot(Scope scope, UUID id) {
        return pool.preparedQuery(SCREENSHOT).execute(Tuple.of(scope.getProjectId(), scope.getEnvironment(), id))
                .map(rows -> rows.size() == 0 || rows.iterator().next().getBuffer(0) == null
                        ? null
                        : rows.iterator().next().getBuffer(0).getBytes());
    }
}
