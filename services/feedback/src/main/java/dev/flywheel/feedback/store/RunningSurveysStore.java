package dev.flywheel.feedback.store;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.proto.feedback.v1.SurveyStatus;
import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.catalogue.SnapshotRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** An environment's running surveys as serving snapshots load them, in one statement (read consistently). */
@ApplicationScoped
public class RunningSurveysStore {

    private static final String ENVIRONMENTS = "feedback.survey_environment";
    private static final String LOAD = """
            SELECT e.version, s.survey_key, s.definition, s.version AS survey_version
            FROM (SELECT $1::text AS project_id, $2::text AS environment) q
            LEFT JOIN survey_environment e ON e.project_id = q.project_id AND e.environment = q.environment
            LEFT JOIN survey s ON s.project_id = q.project_id AND s.environment = q.environment AND s.status = $3
            ORDER BY s.survey_key""";

    /** A running survey's definition (JSON) at its version. */
    public record StoredSurvey(String key, String definition, long version) {
    }

    /** The environment's running surveys at the environment's version (0 before its first survey). */
    public record RunningSurveys(long version, List<StoredSurvey> surveys) {
    }

    private final Pool pool;

    public RunningSurveysStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<RunningSurveys> load(EnvironmentKey key) {
        return pool.preparedQuery(LOAD).execute(Tuple.of(key.projectId(), key.environment(),
                (short) SurveyStatus.SURVEY_STATUS_RUNNING.getNumber())).map(rows -> {
                    long version = 0;
                    List<StoredSurvey> surveys = new ArrayList<>();
                    for (Row row : rows) {
                        version = row.getLong("version") == null ? 0 : row.getLong("version");
                        String survey = row.getString("survey_key");
                        if (survey != null) {
                            surveys.add(new StoredSurvey(survey, row.getString("definition"),
                                    row.getLong("survey_version")));
                        }
                    }
                    return new RunningSurveys(version, surveys);
                });
    }

    public Uni<SnapshotRegistry.Version> version(EnvironmentKey key) {
        return SnapshotRegistry.environmentVersion(pool, ENVIRONMENTS).apply(key);
    }
}
