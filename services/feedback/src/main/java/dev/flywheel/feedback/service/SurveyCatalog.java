package dev.flywheel.feedback.service;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.feedback.config.FeedbackConfig;
import dev.flywheel.proto.feedback.v1.SurveyStatus;
import dev.flywheel.surveys.Survey;
import dev.flywheel.surveys.SurveyDefinition;
import dev.flywheel.surveys.SurveyDefinitionException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * An environment's surveys: versioned definitions with a status (draft, running, stopped), and the running ones
 * as each replica serves them (read again after a short time, and at once after a change made here).
 */
@ApplicationScoped
public class SurveyCatalog {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Surveys per environment, at most: each is checked for every person asking what to show. */
    public static final int MAX_SURVEYS = 200;

    private final Pool pool;
    private final FeedbackConfig config;
    private final Map<String, Running> cache = new ConcurrentHashMap<>();

    public SurveyCatalog(Pool pool, FeedbackConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** A stored survey. */
    public record Stored(String key, String environment, String definition, SurveyStatus status, long version,
            OffsetDateTime updatedAt) {
    }

    /** A running survey, ready to select and render: {@code render} is its name and questions, as JSON. */
    public record Live(Survey survey, long version, String render) {
    }

    private record Running(long loadedAt, Map<String, Live> surveys) {
    }

    public Uni<List<Stored>> list(String project, String environment) {
        return pool.preparedQuery("SELECT * FROM survey WHERE project_id = $1 AND environment = $2"
                + " ORDER BY survey_key").execute(Tuple.of(project, environment)).map(rows -> {
                    List<Stored> out = new ArrayList<>();
                    rows.forEach(row -> out.add(stored(row)));
                    return out;
                });
    }

    public Uni<Stored> get(String project, String environment, String key) {
        return pool.preparedQuery("SELECT * FROM survey WHERE project_id = $1 AND environment = $2"
                + " AND survey_key = $3").execute(Tuple.of(project, environment, key)).map(rows -> {
                    if (rows.size() == 0) {
                        throw notFound(key);
                    }
                    return stored(rows.iterator().next());
                });
    }

    /**
     * Creates (as a draft) or replaces a definition.
     *
     * @param expectedVersion
     *            0: any; -1: create only; else the version last read
     */
    public Uni<Stored> put(String project, String environment, String key, String definition, long expectedVersion) {
        try {
            SurveyDefinition.parse(key, definition);
        } catch (SurveyDefinitionException e) {
            throw FeedbackException.invalid("the definition has problems: " + String.join("; ", e.problems()));
        }
        return pool.withTransaction(connection -> connection.preparedQuery("""
                SELECT pg_advisory_xact_lock(hashtext('flywheel.surveys:' || $1 || ':' || $2)),
                       (SELECT version FROM survey WHERE project_id = $1 AND environment = $2 AND survey_key = $3),
                       (SELECT count(*) FROM survey WHERE project_id = $1 AND environment = $2)""")
                .execute(Tuple.of(project, environment, key)).chain(rows -> {
                    Row row = rows.iterator().next();
                    Long current = row.getLong(1);
                    checkVersion(key, current, expectedVersion);
                    if (current == null && row.getLong(2) >= MAX_SURVEYS) {
                        throw FeedbackException.invalid("an environment has at most " + MAX_SURVEYS + " surveys");
                    }
                    return connection.preparedQuery("""
                            INSERT INTO survey (project_id, environment, survey_key, definition, status, version,
                                                updated_at)
                            VALUES ($1, $2, $3, $4, $5, 1, $6)
                            ON CONFLICT (project_id, environment, survey_key) DO UPDATE SET
                                definition = excluded.definition, version = survey.version + 1,
                                updated_at = excluded.updated_at
                            RETURNING *""")
                            .execute(Tuple.of(project, environment, key, definition,
                                    (short) SurveyStatus.SURVEY_STATUS_DRAFT.getNumber(), now()));
                })).map(rows -> stored(rows.iterator().next())).invoke(() -> forget(project, environment));
    }

    public Uni<Stored> setStatus(String project, String environment, String key, SurveyStatus status,
            long expectedVersion) {
        if (status != SurveyStatus.SURVEY_STATUS_RUNNING && status != SurveyStatus.SURVEY_STATUS_STOPPED) {
            throw FeedbackException.invalid("status is running or stopped");
        }
        return pool.withTransaction(connection -> connection.preparedQuery("SELECT * FROM survey WHERE"
                + " project_id = $1 AND environment = $2 AND survey_key = $3 FOR UPDATE")
                .execute(Tuple.of(project, environment, key)).chain(rows -> {
                    if (rows.size() == 0) {
                        throw notFound(key);
                    }
                    Stored current = stored(rows.iterator().next());
                    checkVersion(key, current.version(), expectedVersion);
                    return connection.preparedQuery("UPDATE survey SET status = $4, version = version + 1,"
                            + " updated_at = $5 WHERE project_id = $1 AND environment = $2 AND survey_key = $3"
                            + " RETURNING *").execute(Tuple.of(project, environment, key,
                                    (short) status.getNumber(), now()));
                })).map(rows -> stored(rows.iterator().next())).invoke(() -> forget(project, environment));
    }

    public Uni<Void> delete(String project, String environment, String key, long expectedVersion) {
        return pool.preparedQuery("DELETE FROM survey WHERE project_id = $1 AND environment = $2 AND survey_key = $3"
                + " AND ($4 = 0 OR version = $4) RETURNING version")
                .execute(Tuple.of(project, environment, key, expectedVersion))
                .chain(rows -> rows.size() > 0
                        ? Uni.createFrom().voidItem()
                        : get(project, environment, key).map(existing -> {
                            throw new FeedbackException(FeedbackFailure.CONFLICT, "survey '" + key
                                    + "' is at version " + existing.version() + ", not " + expectedVersion);
                        }))
                .invoke(() -> forget(project, environment));
    }

    /** The environment's running surveys, by key. */
    public Uni<Map<String, Live>> running(String project, String environment) {
        String scope = project + '\n' + environment;
        Running cached = cache.get(scope);
        if (cached != null && System.nanoTime() - cached.loadedAt() < config.surveyCacheTtl().toNanos()) {
            return Uni.createFrom().item(cached.surveys());
        }
        long loadedAt = System.nanoTime();
        return pool.preparedQuery("SELECT survey_key, definition, version FROM survey WHERE project_id = $1"
                + " AND environment = $2 AND status = $3")
                .execute(Tuple.of(project, environment, (short) SurveyStatus.SURVEY_STATUS_RUNNING.getNumber()))
                .map(rows -> {
                    Map<String, Live> surveys = new LinkedHashMap<>();
                    for (Row row : rows) {
                        Live live = live(row.getString(0), row.getString(1), row.getLong(2));
                        if (live != null) {
                            surveys.put(live.survey().key(), live);
                        }
                    }
                    cache.put(scope, new Running(loadedAt, surveys));
                    return surveys;
                });
    }

    /** A stored definition, parsed; null if it no longer parses (it did when stored). */
    public static Live live(String key, String definition, long version) {
        try {
            Survey survey = SurveyDefinition.parse(key, definition);
            JsonNode tree = JSON.readTree(definition);
            ObjectNode render = JSON.createObjectNode();
            render.put("key", key);
            render.set("name", tree.path("name"));
            render.set("questions", tree.path("questions"));
            return new Live(survey, version, JSON.writeValueAsString(render));
        } catch (SurveyDefinitionException | JsonProcessingException e) {
            return null;
        }
    }

    private void forget(String project, String environment) {
        cache.remove(project + '\n' + environment);
    }

    private static void checkVersion(String key, Long current, long expected) {
        if (expected == -1 && current != null) {
            throw new FeedbackException(FeedbackFailure.CONFLICT, "survey '" + key + "' exists already");
        }
        if (expected > 0 && (current == null || current != expected)) {
            throw new FeedbackException(FeedbackFailure.CONFLICT, "survey '" + key + "' is at version "
                    + (current == null ? "none" : current) + ", not " + expected);
        }
    }

    private static Stored stored(Row row) {
        return new Stored(row.getString("survey_key"), row.getString("environment"), row.getString("definition"),
                SurveyStatus.forNumber(row.getShort("status")), row.getLong("version"),
                row.getOffsetDateTime("updated_at"));
    }

    static FeedbackException notFound(String key) {
        return new FeedbackException(FeedbackFailure.NOT_FOUND, "no survey '" + key + "'");
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
