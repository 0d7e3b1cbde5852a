package dev.flywheel.feedback.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flywheel.feedback.config.FeedbackConfig;
import dev.flywheel.feedback.repository.SurveyEnvironmentEntity;
import dev.flywheel.proto.feedback.v1.SurveyStatus;
import dev.flywheel.service.catalogue.CatalogueSnapshots;
import dev.flywheel.service.catalogue.SnapshotRegistry;
import dev.flywheel.service.config.DataSourceAddress;
import dev.flywheel.surveys.Survey;
import dev.flywheel.surveys.SurveyDefinition;
import dev.flywheel.surveys.SurveyDefinitionException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Each environment's running surveys as this replica serves them, parsed once and kept by a
 * {@link SnapshotRegistry}: replaced on every replica when a change to the environment's surveys commits.
 */
@Singleton
public class SurveySnapshots extends CatalogueSnapshots<SurveySnapshots.Running> {

    private static final ObjectMapper JSON = new ObjectMapper();

    // one statement, so the environment's version and its running surveys are read consistently
    private static final String LOAD = """
            SELECT e.version, s.survey_key, s.definition, s.version AS survey_version
            FROM (SELECT $1::text AS project_id, $2::text AS environment) q
            LEFT JOIN survey_environment e ON e.project_id = q.project_id AND e.environment = q.environment
            LEFT JOIN survey s ON s.project_id = q.project_id AND s.environment = q.environment AND s.status = $3
            ORDER BY s.survey_key""";

    /** A running survey, ready to select and render: {@code render} is its name and questions, as JSON. */
    public record Live(Survey survey, long version, String render) {
    }

    /** An environment's running surveys, by key, at one version of the environment. */
    public record Running(long version, Map<String, Live> surveys) {
    }

    public SurveySnapshots(Pool pool, Vertx vertx, DataSourceAddress database, FeedbackConfig config) {
        super(new SnapshotRegistry<>("surveys", SnapshotRegistry.Source.of(
                key -> pool.preparedQuery(LOAD).execute(Tuple.of(key.projectId(), key.environment(),
                        (short) SurveyStatus.SURVEY_STATUS_RUNNING.getNumber())).map(SurveySnapshots::running),
                SnapshotRegistry.environmentVersion(pool, "feedback.survey_environment"),
                snapshot -> new SnapshotRegistry.Version(snapshot.version(), 0)),
                (previous, current) -> {
                }), SurveyEnvironmentEntity.CATALOGUE, vertx, database, config.resyncInterval());
    }

    /** The environment's running surveys, by key. */
    public Uni<Map<String, Live>> running(String project, String environment) {
        return get(project, environment).map(Running::surveys);
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

    private static Running running(RowSet<Row> rows) {
        long version = 0;
        Map<String, Live> surveys = new LinkedHashMap<>();
        for (Row row : rows) {
            version = row.getLong("version") == null ? 0 : row.getLong("version");
            String key = row.getString("survey_key");
            if (key != null) {
                Live live = live(key, row.getString("definition"), row.getLong("survey_version"));
                if (live != null) {
                    surveys.put(key, live);
                }
            }
        }
        return new Running(version, Collections.unmodifiableMap(surveys));
    }
}
