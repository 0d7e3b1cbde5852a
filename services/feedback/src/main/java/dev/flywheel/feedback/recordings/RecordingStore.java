package dev.flywheel.feedback.recordings;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.recordings.RecordingChunk;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Which chunks of which sessions are stored, and each session's summary (V4 migration). */
@ApplicationScoped
public class RecordingStore {

    private static final int MAX_PAGES = 100;

    private static final String INSERT_CHUNK = """
            INSERT INTO recording_chunk (project_id, environment, session_id, window_id, sequence, blob_key, first_at,
                                         last_at, events, size_bytes)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT DO NOTHING""";

    // a chunk adds to its session's summary: pages appended (kept distinct, at most 100), counts summed
    private static final String UPSERT_SESSION = """
            INSERT INTO recording_session AS s (project_id, environment, session_id, distinct_id, started_at,
                    ended_at, active_ms, pages, clicks, rage_clicks, console_errors, chunks, size_bytes, flags,
                    variations, replayable)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $15)
            ON CONFLICT (project_id, environment, session_id) DO UPDATE SET
                started_at = LEAST(s.started_at, EXCLUDED.started_at),
                ended_at = GREATEST(s.ended_at, EXCLUDED.ended_at),
                active_ms = s.active_ms + EXCLUDED.active_ms,
                pages = (SELECT coalesce(array_agg(p ORDER BY first), '{}') FROM (
                          SELECT p, min(o) AS first FROM unnest(s.pages || EXCLUDED.pages) WITH ORDINALITY AS u(p, o)
                          GROUP BY p ORDER BY first LIMIT 100) d),
                clicks = s.clicks + EXCLUDED.clicks,
                rage_clicks = s.rage_clicks + EXCLUDED.rage_clicks,
                console_errors = s.console_errors + EXCLUDED.console_errors,
                chunks = s.chunks + 1,
                size_bytes = s.size_bytes + EXCLUDED.size_bytes,
                flags = s.flags || EXCLUDED.flags,
                variations = s.variations || EXCLUDED.variations,
                replayable = s.replayable OR EXCLUDED.replayable""";

    private static final String SESSION_COLUMNS = "session_id, distinct_id, started_at, ended_at, active_ms, pages,"
            + " clicks, rage_clicks, console_errors, chunks, size_bytes, flags, variations, replayable";

    private static final String LIST = "SELECT " + SESSION_COLUMNS + """
             FROM recording_session
            WHERE project_id = $1 AND environment = $2
              AND ($3::text IS NULL OR distinct_id = $3)
              AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM unnest(pages) p WHERE strpos(p, $4) > 0))
              AND ended_at - started_at >= make_interval(secs => $5::bigint / 1000.0)
              AND ($6::timestamptz IS NULL OR started_at >= $6)
              AND ($7::timestamptz IS NULL OR started_at < $7)
              AND ($8::text IS NULL OR variations ->> $8 = $9)
              AND (NOT $10 OR rage_clicks > 0)
              AND (NOT $11 OR console_errors > 0)
              AND ($12::timestamptz IS NULL OR (started_at, session_id) < ($12, $13))
              AND ($15::timestamptz IS NULL OR $15 BETWEEN started_at - interval '1 minute'
                                                  AND ended_at + interval '1 minute')
              AND ($16::text[] IS NULL OR EXISTS (
                    SELECT 1 FROM unnest($16::text[], $17::timestamptz[]) AS e(d, t)
                    WHERE e.d = distinct_id AND e.t BETWEEN started_at - interval '5 seconds'
                                                        AND ended_at + interval '5 seconds'))
            ORDER BY started_at DESC, session_id DESC
            LIMIT $14""";

    /** A session as stored. */
    public record StoredSession(String sessionId, String distinctId, Instant startedAt, Instant endedAt,
            long activeMillis, List<String> pages, int clicks, int rageClicks, int consoleErrors, int chunks,
            long sizeBytes, Map<String, Object> flags, Map<String, Object> variations, boolean replayable) {
    }

    /** A stored chunk's place in its session. */
    public record StoredChunk(String windowId, int sequence, String blobKey) {
    }

    /** The list's filters; null or false where not set. */
    public record Filter(String distinctId, String urlContains, long minDurationMillis, Instant startedFrom,
            Instant startedBefore, String experiment, String variation, boolean rageClicks, boolean consoleErrors,
            Instant afterStartedAt, String afterSessionId, int limit, Instant at, List<Performed> performed) {
    }

    /** Someone performed the event the list is filtered by, at this time. */
    public record Performed(String distinctId, Instant at) {
    }

    private final Pool pool;

    public RecordingStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records a chunk whose bytes are already in the blob store and adds it to its session's summary, in one
     * transaction; false when the chunk had been recorded before (nothing changes).
     */
    public Uni<Boolean> record(Scope scope, RecordingChunk chunk, String blobKey, int sizeBytes) {
        return pool.withTransaction(tx -> tx.preparedQuery(INSERT_CHUNK).execute(Tuple.from(new Object[]{
                scope.getProjectId(), scope.getEnvironment(), chunk.sessionId(), chunk.windowId(), chunk.sequence(),
                blobKey, at(chunk.firstTimestamp()), at(chunk.lastTimestamp()), chunk.eventCount(), sizeBytes}))
                .flatMap(inserted -> {
                    if (inserted.rowCount() == 0) {
                        return Uni.createFrom().item(false);
                    }
                    List<String> pages = chunk.pages().size() > MAX_PAGES
                            ? chunk.pages().subList(0, MAX_PAGES)
                            : chunk.pages();
                    return tx.preparedQuery(UPSERT_SESSION).execute(Tuple.from(new Object[]{scope.getProjectId(),
                            scope.getEnvironment(), chunk.sessionId(), chunk.distinctId(),
                            at(chunk.firstTimestamp()), at(chunk.lastTimestamp()), chunk.activeMillis(),
                            pages.toArray(String[]::new), chunk.clicks(), chunk.rageClicks(), chunk.consoleErrors(),
                            (long) sizeBytes, new JsonObject(Map.copyOf(chunk.flags())),
                            new JsonObject(Map.copyOf(chunk.variations())), chunk.fullSnapshot()}))
                            .replaceWith(true);
                }));
    }

    public Uni<List<StoredSession>> list(Scope scope, Filter filter) {
        return pool.preparedQuery(LIST).execute(Tuple.from(new Object[]{scope.getProjectId(),
                scope.getEnvironment(), filter.distinctId(), filter.urlContains(), filter.minDurationMillis(),
                at(filter.startedFrom()), at(filter.startedBefore()), filter.experiment(), filter.variation(),
                filter.rageClicks(), filter.consoleErrors(), at(filter.afterStartedAt()), filter.afterSessionId(),
                filter.limit(), at(filter.at()),
                filter.performed() == null
                        ? null
                        : filter.performed().stream().map(Performed::distinctId)
                                .toArray(String[]::new),
                filter.performed() == null
                        ? null
                        : filter.performed().stream().map(p -> at(p.at()))
                                .toArray(OffsetDateTime[]::new)}))
                .map(rows -> {
                    List<StoredSession> sessions = new ArrayList<>();
                    rows.forEach(row -> sessions.add(session(row)));
                    return sessions;
                });
    }

    public Uni<StoredSession> find(Scope scope, String sessionId) {
        return pool.preparedQuery("SELECT " + SESSION_COLUMNS + " FROM recording_session WHERE project_id = $1"
                + " AND environment = $2 AND session_id = $3")
                .execute(Tuple.of(scope.getProjectId(), scope.getEnvironment(), sessionId))
                .map(rows -> rows.iterator().hasNext() ? session(rows.iterator().next()) : null);
    }

    /** A survey shown to the person during a session. */
    public record SurveyShown(String surveyKey, String submissionId, boolean completed, Instant shownAt) {
    }

    /** Surveys shown to the session's person (as a user or an anonymous visitor) while it went on, a minute's slack. */
    public Uni<List<SurveyShown>> surveysDuring(Scope scope, StoredSession session) {
        return pool.preparedQuery("SELECT survey_key, submission_id, completed, shown_at FROM survey_submission"
                + during("shown_at")).execute(during(scope, session))
                .map(rows -> {
                    List<SurveyShown> shown = new ArrayList<>();
                    rows.forEach(row -> shown.add(new SurveyShown(row.getString(0), row.getUUID(1)
                            .toString(), row.getBoolean(2), instant(row.getOffsetDateTime(3)))));
                    return shown;
                });
    }

    /** Feedback the session's person left while it went on, a minute's slack. */
    public Uni<List<String>> feedbackDuring(Scope scope, StoredSession session) {
        return pool.preparedQuery("SELECT feedback_id FROM feedback_item" + during("created_at"))
                .execute(during(scope, session))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getUUID(0).toString()));
                    return ids;
                });
    }

    /**
     * Rows of the session's person (as a user, "u:", or an anonymous visitor, "a:") whose time falls in the session,
     * a minute's slack either side; with {@link #during(Scope, StoredSession)}'s parameters.
     */
    private static String during(String time) {
        return " WHERE project_id = $1 AND environment = $2 AND person_key IN ('u:' || $3, 'a:' || $3) AND " + time
                + " BETWEEN $4::timestamptz - interval '1 minute' AND $5::timestamptz + interval '1 minute'"
                + " ORDER BY " + time;
    }

    private static Tuple during(Scope scope, StoredSession session) {
        return Tuple.from(new Object[]{scope.getProjectId(), scope.getEnvironment(), session.distinctId(),
                at(session.startedAt()), at(session.endedAt())});
    }

    /** The session's chunks in replay order: by their first event, then window and sequence. */
    public Uni<List<StoredChunk>> chunks(Scope scope, String sessionId) {
        return pool.preparedQuery("SELECT window_id, sequence, blob_key FROM recording_chunk WHERE project_id = $1"
                + " AND environment = $2 AND session_id = $3 ORDER BY first_at, window_id, sequence")
                .execute(Tuple.of(scope.getProjectId(), scope.getEnvironment(), sessionId)).map(rows -> {
                    List<StoredChunk> chunks = new ArrayList<>();
                    rows.forEach(row -> chunks.add(new StoredChunk(row.getString(0), row.getInteger(1),
                            row.getString(2))));
                    return chunks;
                });
    }

    /** The ids of a distinct id's sessions. */
    public Uni<List<String>> sessionsOf(Scope scope, String distinctId) {
        return pool.preparedQuery("SELECT session_id FROM recording_session WHERE project_id = $1"
                + " AND environment = $2 AND distinct_id = $3")
                .execute(Tuple.of(scope.getProjectId(), scope.getEnvironment(), distinctId)).map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getString(0)));
                    return ids;
                });
    }

    /** The project's retention in days, or null when it has none of its own. */
    public Uni<Integer> retentionDays(String projectId) {
        return pool.preparedQuery("SELECT retention_days FROM recording_settings WHERE project_id = $1")
                .execute(Tuple.of(projectId))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getInteger(0) : null);
    }

    /** Sets the project's retention; null: back to the default. */
    public Uni<Void> setRetentionDays(String projectId, Integer days) {
        return (days == null
                ? pool.preparedQuery("DELETE FROM recording_settings WHERE project_id = $1").execute(Tuple.of(
                        projectId))
                : pool.preparedQuery("INSERT INTO recording_settings (project_id, retention_days) VALUES ($1, $2)"
                        + " ON CONFLICT (project_id) DO UPDATE SET retention_days = $2, updated_at = now()")
                        .execute(Tuple.of(projectId, days)))
                .replaceWithVoid();
    }

    /** A session past its project's retention (or the default). */
    public record Expired(String projectId, String environment, String sessionId) {
    }

    /** Up to {@code limit} sessions that ended longer ago than their project keeps recordings. */
    public Uni<List<Expired>> expired(int defaultDays, int limit) {
        return pool.preparedQuery("SELECT s.project_id, s.environment, s.session_id FROM recording_session s"
                + " LEFT JOIN recording_settings r ON r.project_id = s.project_id"
                + " WHERE s.ended_at < now() - make_interval(days => coalesce(r.retention_days, $1)) LIMIT $2")
                .execute(Tuple.of(defaultDays, limit)).map(rows -> {
                    List<Expired> expired = new ArrayList<>();
                    rows.forEach(row -> expired.add(new Expired(row.getString(0), row.getString(1), row
                            .getString(2))));
                    return expired;
                });
    }

    /** Forgets sessions and their chunks (their blobs are deleted first, by the caller); how many sessions went. */
    public Uni<Integer> delete(Scope scope, List<String> sessionIds) {
        String[] ids = sessionIds.toArray(String[]::new);
        return pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM recording_chunk WHERE project_id = $1"
                + " AND environment = $2 AND session_id = ANY($3)")
                .execute(Tuple.of(scope.getProjectId(), scope.getEnvironment(), ids))
                .flatMap(chunks -> tx.preparedQuery("DELETE FROM recording_session WHERE project_id = $1"
                        + " AND environment = $2 AND session_id = ANY($3)")
                        .execute(Tuple.of(scope.getProjectId(), scope.getEnvironment(), ids)))
                .map(deleted -> deleted.rowCount()));
    }

    private static StoredSession session(Row row) {
        return new StoredSession(row.getString("session_id"), row.getString("distinct_id"),
                instant(row.getOffsetDateTime("started_at")), instant(row.getOffsetDateTime("ended_at")),
                row.getLong("active_ms"), Arrays.asList(row.getArrayOfStrings("pages")), row.getInteger("clicks"),
                row.getInteger("rage_clicks"), row.getInteger("console_errors"), row.getInteger("chunks"),
                row.getLong("size_bytes"), ((JsonObject) row.getValue("flags")).getMap(),
                ((JsonObject) row.getValue("variations")).getMap(), row.getBoolean("replayable"));
    }

    private static OffsetDateTime at(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime at) {
        return at.toInstant();
    }
}
