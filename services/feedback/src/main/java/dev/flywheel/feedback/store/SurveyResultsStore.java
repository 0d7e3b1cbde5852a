package dev.flywheel.feedback.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.proto.common.v1.Scope;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** What a survey's results are computed from: its showings and the answers, in a time range. */
@ApplicationScoped
public class SurveyResultsStore {

    private static final String COUNTS = """
            SELECT count(*), count(*) FILTER (WHERE completed), count(*) FILTER (WHERE dismissed),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM survey_answer a
                       WHERE a.project_id = s.project_id AND a.environment = s.environment
                         AND a.survey_key = s.survey_key AND a.submission_id = s.submission_id))
            FROM survey_submission s
            WHERE project_id = $1 AND environment = $2 AND survey_key = $3
              AND ($4::timestamptz IS NULL OR shown_at >= $4) AND ($5::timestamptz IS NULL OR shown_at < $5)""";

    private static final String ANSWERS = """
            SELECT a.submission_id, a.question_id, a.score, a.choices, a.other, a.answer_text, a.answered_at,
                   s.person_key, s.context
            FROM survey_answer a
            JOIN survey_submission s ON s.project_id = a.project_id AND s.environment = a.environment
                 AND s.survey_key = a.survey_key AND s.submission_id = a.submission_id
            WHERE a.project_id = $1 AND a.environment = $2 AND a.survey_key = $3
              AND ($4::timestamptz IS NULL OR a.answered_at >= $4)
              AND ($5::timestamptz IS NULL OR a.answered_at < $5)
            ORDER BY a.answered_at DESC LIMIT $6""";

    private static final String PERSON_ANSWERS = """
            SELECT s.survey_key, s.submission_id, s.shown_at, s.completed, s.dismissed, a.question_id, a.score,
                   a.choices, a.other, a.answer_text
            FROM (SELECT * FROM survey_submission WHERE project_id = $1 AND environment = $2 AND person_key = ANY($3)
                  ORDER BY shown_at DESC, submission_id LIMIT $4) s
            LEFT JOIN survey_answer a ON a.project_id = s.project_id AND a.environment = s.environment
                 AND a.survey_key = s.survey_key AND a.submission_id = s.submission_id
            ORDER BY s.shown_at DESC, s.submission_id, a.answered_at, a.question_id""";

    /** One answer of a person's submission (null question: shown, nothing answered). */
    public record PersonAnswerRow(String survey, UUID submission, Instant shownAt, boolean completed,
            boolean dismissed, String question, Double score, String[] choices, String other, String text) {
    }

    /** Showings in the range: all, completed, dismissed, and those with at least one answer. */
    public record Counts(long shown, long completed, long dismissed, long responded) {
    }

    /**
     * One answer with what its submission recorded: who (person key) and the context the survey was shown in
     * (url, device, properties, flags, experiments).
     */
    public record AnswerRow(UUID submission, String question, Double score, String[] choices, String other,
            String text, Instant at, String person, JsonObject context) {
    }

    private final Pool pool;

    public SurveyResultsStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Counts> counts(Scope scope, String surveyKey, Instant from, Instant to) {
        return pool.preparedQuery(COUNTS).execute(Tuple.from(new Object[]{scope.getProjectId(),
                scope.getEnvironment(), surveyKey, utc(from), utc(to)})).map(rows -> {
                    Row c = rows.iterator().next();
                    return new Counts(c.getLong(0), c.getLong(1), c.getLong(2), c.getLong(3));
                });
    }

    /**
     * A person's latest submissions (at most {@code limit}) with their answers, newest first, by their distinct ids
     * (each a user id or an anonymous id: submissions are kept under "u:" or "a:" and the id).
     */
    public Uni<List<PersonAnswerRow>> personAnswers(Scope scope, List<String> distinctIds, int limit) {
        String[] keys = distinctIds.stream().flatMap(id -> java.util.stream.Stream.of("u:" + id, "a:" + id))
                .toArray(String[]::new);
        return pool.preparedQuery(PERSON_ANSWERS).execute(Tuple.from(new Object[]{scope.getProjectId(),
                scope.getEnvironment(), keys, limit})).map(rows -> {
                    List<PersonAnswerRow> out = new ArrayList<>();
                    for (Row row : rows) {
                        out.add(new PersonAnswerRow(row.getString(0), row.getUUID(1), row.getOffsetDateTime(2)
                                .toInstant(), row.getBoolean(3), row.getBoolean(4), row.getString(5),
                                row.getDouble(6), row.getArrayOfStrings(7), row.getString(8), row.getString(9)));
                    }
                    return out;
                });
    }

    /** The latest answers in the range, newest first, at most {@code limit}. */
    public Uni<List<AnswerRow>> answers(Scope scope, String surveyKey, Instant from, Instant to, int limit) {
        return pool.preparedQuery(ANSWERS).execute(Tuple.from(new Object[]{scope.getProjectId(),
                scope.getEnvironment(), surveyKey, utc(from), utc(to), limit})).map(rows -> {
                    List<AnswerRow> out = new ArrayList<>();
                    for (Row row : rows) {
                        out.add(new AnswerRow(row.getUUID(0), row.getString(1), row.getDouble(2),
                                row.getArrayOfStrings(3), row.getString(4), row.getString(5),
                                row.getOffsetDateTime(6).toInstant(), row.getString(7),
                                (JsonObject) row.getValue(8)));
                    }
                    return out;
                });
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
