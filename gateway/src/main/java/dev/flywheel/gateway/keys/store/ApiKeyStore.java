package dev.flywheel.gateway.keys.store;

import static dev.flywheel.gateway.sql.SqlValues.firstRow;
import static dev.flywheel.gateway.sql.SqlValues.instant;
import static dev.flywheel.gateway.sql.SqlValues.utc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.caller.KeyKind;
import dev.flywheel.gateway.caller.ResolvedKey;
import dev.flywheel.gateway.tenancy.store.TenancyStore;
import dev.flywheel.service.auth.KeyRevocations;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * API keys (gateway schema, V1 migration): only their secrets' SHA-256 is stored. Every change that must reach the
 * services' caches sends its {@link KeyRevocations} notification from the changing transaction.
 */
@ApplicationScoped
public class ApiKeyStore {

    /** A key as stored, with its environment's name (null for admin keys). */
    public record ApiKeyRow(UUID id, UUID projectId, UUID environmentId, String environment, String kind,
            String name, String displayPrefix, String tokenHash, Instant createdAt, Instant expiresAt,
            Instant revokedAt) {
    }

    private static final String KEY_COLUMNS = "k.id, k.project_id, k.environment_id, e.name AS environment, k.kind,"
            + " k.name, k.display_prefix, k.token_hash, k.created_at, k.expires_at, k.revoked_at";

    private final Pool pool;

    public ApiKeyStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<ApiKeyRow> insert(ApiKeyRow key) {
        return pool.preparedQuery("INSERT INTO gateway.api_key (id, project_id, environment_id, kind, name,"
                + " display_prefix, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .execute(Tuple.from(Arrays.asList(key.id(), key.projectId(), key.environmentId(), key.kind(),
                        key.name(), key.displayPrefix(), key.tokenHash(), utc(key.createdAt()),
                        utc(key.expiresAt()))))
                .replaceWith(key);
    }

    /** The project's keys, oldest first, revoked ones included. */
    public Uni<List<ApiKeyRow>> listByProject(UUID projectId) {
        return pool.preparedQuery("SELECT " + KEY_COLUMNS + " FROM gateway.api_key k"
                + " LEFT JOIN gateway.environment e ON e.id = k.environment_id"
                + " WHERE k.project_id = $1 ORDER BY k.created_at, k.id")
                .execute(Tuple.of(projectId)).map(rows -> {
                    List<ApiKeyRow> keys = new ArrayList<>();
                    rows.forEach(row -> keys.add(key(row)));
                    return keys;
                });
    }

    /**
     * Marks the key revoked (a second revocation keeps the first time) and notifies its revocation, in one
     * transaction; null when the project has no such key.
     */
    public Uni<ApiKeyRow> revoke(UUID projectId, UUID keyId) {
        return pool.withTransaction(tx -> tx.preparedQuery("WITH k AS (UPDATE gateway.api_key"
                + " SET revoked_at = coalesce(revoked_at, now()) WHERE project_id = $1 AND id = $2 RETURNING *)"
                + " SELECT " + KEY_COLUMNS + " FROM k LEFT JOIN gateway.environment e ON e.id = k.environment_id")
                .execute(Tuple.of(projectId, keyId))
                .flatMap(rows -> {
                    Row row = firstRow(rows);
                    return row == null
                            ? Uni.createFrom().<ApiKeyRow>nullItem()
                            : notify(tx, KeyRevocations.payload(keyId.toString())).replaceWith(key(row));
                }));
    }

    /** Tells every replica that the project changed, then lists its usable keys' hashes, whose caches carry it. */
    public Uni<List<String>> announceProjectChange(UUID projectId) {
        return notify(pool, KeyRevocations.projectPayload(projectId.toString()))
                .flatMap(notified -> pool.preparedQuery("SELECT token_hash FROM gateway.api_key"
                        + " WHERE project_id = $1 AND revoked_at IS NULL").execute(Tuple.of(projectId)))
                .map(rows -> {
                    List<String> hashes = new ArrayList<>();
                    rows.forEach(row -> hashes.add(row.getString("token_hash")));
                    return hashes;
                });
    }

    /** What a request needs to know of the unrevoked key with this hash, or null when there is none. */
    public Uni<ResolvedKey> resolve(String tokenHash) {
        return pool.preparedQuery("SELECT k.id, k.kind, p.organisation_id, k.project_id, k.environment_id,"
                + " e.name AS environment, k.expires_at, p.rate_limit_per_second, p.rate_limit_burst, p.cors_origins"
                + " FROM gateway.api_key k JOIN gateway.project p ON p.id = k.project_id"
                + " LEFT JOIN gateway.environment e ON e.id = k.environment_id"
                + " WHERE k.token_hash = $1 AND k.revoked_at IS NULL")
                .execute(Tuple.of(tokenHash)).map(rows -> {
                    Row row = firstRow(rows);
                    return row == null
                            ? null
                            : new ResolvedKey(row.getUUID("id"), KeyKind.fromWireName(row.getString("kind")),
                                    row.getUUID("organisation_id"), row.getUUID("project_id"),
                                    row.getUUID("environment_id"), row.getString("environment"),
                                    instant(row, "expires_at"), row.getInteger("rate_limit_per_second"),
                                    row.getInteger("rate_limit_burst"),
                                    TenancyStore.corsOrigins(row.getString("cors_origins")));
                });
    }

    /** Delivered when the client's transaction commits, at once outside one. */
    private static Uni<Void> notify(SqlClient client, String payload) {
        return client.preparedQuery("SELECT pg_notify($1, $2)")
                .execute(Tuple.of(KeyRevocations.CHANNEL, payload)).replaceWithVoid();
    }

    private static ApiKeyRow key(Row row) {
        return new ApiKeyRow(row.getUUID("id"), row.getUUID("project_id"), row.getUUID("environment_id"),
                row.getString("environment"), row.getString("kind"), row.getString("name"),
                row.getString("display_prefix"), row.getString("token_hash"), instant(row, "created_at"),
                instant(row, "expires_at"), instant(row, "revoked_at"));
    }
}
