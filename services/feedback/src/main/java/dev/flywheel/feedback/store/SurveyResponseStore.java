package dev.flywheel.feedback.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.surveys.Answer;
import dev.flywheel.surveys.SurveySelector;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What people did with surveys: each person's history (the selector's "never twice" and wait periods), each showing
 * (a submission) and its answers. Writes take the caller's transaction, so the event that tells of them goes into
 * the outbox in the same one.
 */
@ApplicationScoped
public class SurveyResponseStore {

    private static final String SEEN = "SELECT survey_key, last_shown_at, answered_at, dismissed_at FROM survey_person"
            + " WHERE project_id = $1 AND environment = $2 AND person_key = $3";

    // One statement (atomic, one round trip): serving is the hot path.
    private static final String SHOW = """
            WITH person AS (
                INSERT INTO survey_person (project_id, environment, person_key, survey_key, last_shown_at, shown)
                VALUES ($1, $2, $3, $4, $5, 1)
                ON CONFLICT (project_id, environment, person_key, survey_key) DO UPDATE SET
                    last_shown_at = excluded.last_shown_at, shown = survey_person.shown + 1
                RETURNING 1),
            submission AS (
                INSERT INTO survey_submission (project_id, environment, survey_key, submission_id, person_key,
                                               survey_version, shown_at, updated_at, context)
                VALUES ($1, $2, $4, $6, $3, $7, $5, $5, $8)
                RETURNING 1)
            INSERT INTO event_outbox (event, created_at)
            SELECT $9, $5 FROM person, submission
            RETURNING id""";

    private static final String SUBMISSION = """
            SELECT s.person_key, v.definition, v.version FROM survey_submission s
            LEFT JOIN survey v ON v.project_id = s.project_id AND v.environment = s.environment
                              AND v.survey_key = s.survey_key
            WHERE s.project_id = $1 AND s.environment = $2 AND s.survey_key = $3 AND s.submission_id = $4""";

    private static final String ANSWER = """
            INSERT INTO survey_answer (project_id, environment, survey_key, submission_id, question_id, score,
                                       choices, other, answer_text, answered_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (project_id, environment, survey_key, submission_id, question_id) DO UPDATE SET
                score = excluded.score, choices = excluded.choices, other = excluded.other,
                answer_text = excluded.answer_text, answered_at = excluded.answered_at""";

    private static final String ANSWERED_SUBMISSION = "UPDATE survey_submission SET updated_at = $5,"
            + " completed = completed OR $6 WHERE project_id = $1 AND environment = $2 AND survey_key = $3"
            + " AND submission_id = $4";

    private static final String ANSWERED_PERSON = "UPDATE survey_person SET answered_at = COALESCE(answered_at, $5)"
            + " WHERE project_id = $1 AND environment = $2 AND person_key = $3 AND survey_key = $4";

    private static final String DISMISSED_SUBMISSION = "UPDATE survey_submission SET dismissed = true,"
            + " updated_at = $5 WHERE project_id = $1 AND environment = $2 AND survey_key = $3 AND submission_id = $4";

    private static final String DISMISSED_PERSON = "UPDATE survey_person SET dismissed_at = $5"
            + " WHERE project_id = $1 AND environment = $2 AND person_key = $3 AND survey_key = $4";

    /** A submission as stored: who it was shown to, and its survey's definition now (null once deleted). */
    public record Submission(String personKey, String definition, long version) {
    }

    private final Pool pool;

    public SurveyResponseStore(Pool pool) {
        this.pool = pool;
    }

    /** What the person did with each survey of the environment, by survey key. */
    public Uni<Map<String, SurveySelector.Seen>> seen(Scope scope, String personKey) {
        return pool.preparedQuery(SEEN).execute(Tuple.of(scope.getProjectId(), scope.getEnvironment(), personKey))
                .map(rows -> {
                    Map<String, SurveySelector.Seen> seen = new HashMap<>();
                    for (Row row : rows) {
                        seen.put(row.getString(0), new SurveySelector.Seen(instant(row, 1), instant(row, 2),
                                instant(row, 3)));
                    }
                    return seen;
                });
    }

    /**
     * Records a showing: the person's history, the submission with the context it was shown in, and the event in
     * the outbox, in one statement. Returns the event's outbox id.
     */
    public Uni<Long> show(Scope scope, String personKey, String surveyKey, UUID submission, long surveyVersion,
            JsonObject context, byte[] event, Instant at) {
        return pool.preparedQuery(SHOW).execute(Tuple.from(new Object[]{scope.getProjectId(), scope.getEnvironment(),
                personKey, surveyKey, utc(at), submission, surveyVersion, context, Buffer.buffer(event)}))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** The submission, or null when there is none. */
    public Uni<Submission> submission(Scope scope, String surveyKey, UUID submission) {
        return pool.preparedQuery(SUBMISSION).execute(Tuple.from(new Object[]{scope.getProjectId(),
                scope.getEnvironment(), surveyKey, submission})).map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new Submission(row.getString(0), row.getString(1), row.getLong(2));
                });
    }

    /** Stores answers (replacing earlier answers to the same questions) and marks the survey answered. */
    public Uni<Void> answer(SqlClient transaction, Scope scope, String personKey, String surveyKey,
            UUID submission, List<Answer> answers, boolean completed, Instant at) {
        OffsetDateTime time = utc(at);
        List<Tuple> rows = new ArrayList<>();
        for (Answer answer : answers) {
            rows.add(Tuple.from(new Object[]{scope.getProjectId(), scope.getEnvironment(), surveyKey, submission,
                    answer.questionId(), answer.score(),
                    answer.score() == null && answer.text() == null ? answer.choices().toArray(String[]::new) : null,
                    answer.other(), answer.text(), time}));
        }
        return transaction.preparedQuery(ANSWER).executeBatch(rows)
                .chain(() -> transaction.preparedQuery(ANSWERED_SUBMISSION).execute(Tuple.from(new Object[]{
                        scope.getProjectId(), scope.getEnvironment(), surveyKey, submission, time, completed})))
                .chain(() -> transaction.preparedQuery(ANSWERED_PERSON).execute(Tuple.of(scope.getProjectId(),
                        scope.getEnvironment(), personKey, surveyKey, time)))
                .replaceWithVoid();
    }

    /** Marks the submission and the survey dismissed by the person. */
    public Uni<Void> dismiss(SqlClient transaction, Scope scope, String personKey, String surveyKey,
            UUID submission, Instant at) {
        OffsetDateTime time = utc(at);
        return transaction.preparedQuery(DISMISSED_SUBMISSION).execute(Tuple.from(new Object[]{scope.getProjectId(),
                scope.getEnvironment(), surveyKey, submission, time}))
                .chain(() -> transaction.preparedQuery(DISMISSED_PERSON).execute(Tuple.of(scope.getProjectId(),
                        scope.getEnvironment(), personKey, surveyKey, time)))
                .replaceWithVoid();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(Row row, int column) {
        OffsetDateTime at = row.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }
}
