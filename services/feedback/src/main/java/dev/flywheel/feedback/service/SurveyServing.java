package dev.flywheel.feedback.service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.feedback.config.FeedbackConfig;
import dev.flywheel.feedback.events.EventOutbox;
import dev.flywheel.feedback.events.FeedbackEvents;
import dev.flywheel.feedback.events.FeedbackEvents.Person;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.FeedbackSubmittedProperties;
import dev.flywheel.proto.events.v1.SurveyDismissedProperties;
import dev.flywheel.proto.events.v1.SurveySentProperties;
import dev.flywheel.proto.events.v1.SurveyShownProperties;
import dev.flywheel.surveys.Answer;
import dev.flywheel.surveys.Answers;
import dev.flywheel.surveys.Question;
import dev.flywheel.surveys.Survey;
import dev.flywheel.surveys.SurveySelector;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Serving surveys: which one a person sees now (recorded as shown), their answers (checked against the question,
 * partial responses sharing the submission id), dismissals, and the feedback widget. Every change and its event
 * are written in one transaction (the event through the outbox), so nothing accepted is lost.
 */
@ApplicationScoped
public class SurveyServing {

    /** What a request says about the person and the page, checked. */
    public record Request(Person person, String url, String device, String event, Map<String, Object> properties,
            Map<String, String> flags, Map<String, String> experiments) {
    }

    /** The survey to show, or null. */
    public record Shown(String surveyKey, long version, UUID submissionId, String render) {
    }

    public record Submitted(String nextQuestionId, boolean completed) {
    }

    /** A widget submission, checked. */
    public record Feedback(Person person, int rating, String comment, String email, String pageUrl, String selector,
            byte[] screenshot) {
    }

    private final Pool pool;
    private final SurveySnapshots snapshots;
    private final EventOutbox outbox;
    private final FeedbackConfig config;

    public SurveyServing(Pool pool, SurveySnapshots snapshots, EventOutbox outbox, FeedbackConfig config) {
        this.pool = pool;
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.config = config;
    }

    public Uni<Shown> next(Scope scope, Request request) {
        String project = scope.getProjectId();
        String environment = scope.getEnvironment();
        return snapshots.running(project, environment).chain(running -> {
            if (running.isEmpty()) {
                return Uni.createFrom().nullItem();
            }
            return pool.preparedQuery("SELECT survey_key, last_shown_at, answered_at, dismissed_at FROM survey_person"
                    + " WHERE project_id = $1 AND environment = $2 AND person_key = $3")
                    .execute(Tuple.of(project, environment, request.person().key())).chain(rows -> {
                        Map<String, SurveySelector.Seen> seen = new HashMap<>();
                        for (Row row : rows) {
                            seen.put(row.getString(0), new SurveySelector.Seen(instant(row, 1), instant(row, 2),
                                    instant(row, 3)));
                        }
                        Instant now = Instant.now();
                        List<Survey> surveys = running.values().stream().map(SurveySnapshots.Live::survey).toList();
                        SurveySelector.Selection selection = SurveySelector.select(surveys, context(request), seen,
                                now);
                        if (selection.survey() == null) {
                            return Uni.createFrom().nullItem();
                        }
                        return show(scope, request, running.get(selection.survey().key()), now);
                    });
        });
    }

    private Uni<Shown> show(Scope scope, Request request, SurveySnapshots.Live live, Instant now) {
        UUID submission = UUID.randomUUID();
        String key = live.survey().key();
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        JsonObject context = new JsonObject().put("url", request.url()).put("device", request.device())
                .put("properties", new JsonObject(request.properties()))
                .put("flags", new JsonObject(new HashMap<>(request.flags())))
                .put("experiments", new JsonObject(new HashMap<>(request.experiments())));
        Event event = FeedbackEvents.event(scope, request.person(), SurveyShownProperties.newBuilder()
                .setSurveyKey(key).setSurveyVersion(live.version()).setSubmissionId(submission.toString()).build(),
                now);
        // One statement (atomic, one round trip): serving is the hot path.
        return pool.preparedQuery("""
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
                RETURNING id""")
                .execute(Tuple.from(new Object[]{scope.getProjectId(), scope.getEnvironment(), request.person().key(),
                        key, at, submission, live.version(), context, Buffer.buffer(event.toByteArray())}))
                .invoke(rows -> outbox.send(List.of(rows.iterator().next().getLong(0)), List.of(event)))
                .replaceWith(new Shown(key, live.version(), submission, live.render()));
    }

    /**
     * Answers to a shown survey. The first answer marks the survey answered for the person ("never twice");
     * answering a question again replaces the earlier answer.
     */
    public Uni<Submitted> submit(Scope scope, Person person, String surveyKey, UUID submission,
            List<Map.Entry<String, Object[]>> answers, boolean completed) {
        return submission(scope, person, surveyKey, submission).chain(stored -> snapshots.running(scope.getProjectId(),
                scope.getEnvironment()).map(running -> {
                    // The running surveys are parsed once per replica; a stopped or changed one is parsed here.
                    SurveySnapshots.Live cached = running.get(surveyKey);
                    return cached != null && cached.version() == stored.version()
                            ? cached
                            : SurveySnapshots.live(surveyKey, stored.definition(), stored.version());
                })).chain(live -> {
                    if (live == null) {
                        throw new FeedbackException(FeedbackFailure.PRECONDITION,
                                "survey '" + surveyKey + "' can no longer "
                                        + "be answered");
                    }
                    List<Answer> checked = new ArrayList<>();
                    for (Map.Entry<String, Object[]> given : answers) {
                        Question question = live.survey().question(given.getKey()).orElseThrow(() -> FeedbackException
                                .invalid("survey '" + surveyKey + "' has no question '" + given.getKey() + "'"));
                        try {
                            checked.add(Answers.check(question, given.getValue()[0], (String) given.getValue()[1]));
                        } catch (Answers.InvalidAnswerException e) {
                            throw FeedbackException.invalid(e.getMessage());
                        }
                    }
                    String next = checked.isEmpty()
                            ? null
                            : Answers.next(live.survey(), checked.get(checked.size() - 1));
                    boolean done = completed || next == null;
                    Instant now = Instant.now();
                    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
                    SurveySentProperties.Builder sent = SurveySentProperties.newBuilder().setSurveyKey(surveyKey)
                            .setSubmissionId(submission.toString()).setCompleted(done);
                    checked.forEach(answer -> sent.addAnswers(FeedbackEvents.answer(answer)));
                    Event event = FeedbackEvents.event(scope, person, sent.build(), now);
                    List<Tuple> rows = new ArrayList<>();
                    for (Answer answer : checked) {
                        rows.add(Tuple
                                .from(new Object[]{scope.getProjectId(), scope.getEnvironment(), surveyKey, submission,
                                        answer.questionId(), answer.score(),
                                        answer.score() == null && answer.text() == null
                                                ? answer.choices().toArray(String[]::new)
                                                : null,
                                        answer.other(), answer.text(), at}));
                    }
                    return transaction(List.of(event), connection -> connection.preparedQuery(
                            """
                                    INSERT INTO survey_answer (project_id, environment, survey_key, submission_id, question_id, score,
                                                               choices, other, answer_text, answered_at)
                                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                                    ON CONFLICT (project_id, environment, survey_key, submission_id, question_id) DO UPDATE SET
                                        score = excluded.score, choices = excluded.choices, other = excluded.other,
                                        answer_text = excluded.answer_text, answered_at = excluded.answered_at""")
                            .executeBatch(rows)
                            .chain(() -> connection.preparedQuery("UPDATE survey_submission SET updated_at = $5,"
                                    + " completed = completed OR $6 WHERE project_id = $1 AND environment = $2"
                                    + " AND survey_key = $3 AND submission_id = $4")
                                    .execute(Tuple
                                            .from(new Object[]{scope.getProjectId(), scope.getEnvironment(), surveyKey,
                                                    submission, at, done})))
                            .chain(() -> connection.preparedQuery("UPDATE survey_person SET answered_at ="
                                    + " COALESCE(answered_at, $5) WHERE project_id = $1 AND environment = $2"
                                    + " AND person_key = $3 AND survey_key = $4")
                                    .execute(Tuple.of(scope.getProjectId(), scope.getEnvironment(), person.key(),
                                            surveyKey,
                                            at))))
                            .replaceWith(new Submitted(done ? null : next, done));
                });
    }

    public Uni<Void> dismiss(Scope scope, Person person, String surveyKey, UUID submission) {
        return submission(scope, person, surveyKey, submission).chain(stored -> {
            Instant now = Instant.now();
            OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
            Event event = FeedbackEvents.event(scope, person, SurveyDismissedProperties.newBuilder()
                    .setSurveyKey(surveyKey).setSubmissionId(submission.toString()).build(), now);
            return transaction(List.of(event), connection -> connection.preparedQuery("UPDATE survey_submission"
                    + " SET dismissed = true, updated_at = $5 WHERE project_id = $1 AND environment = $2"
                    + " AND survey_key = $3 AND submission_id = $4")
                    .execute(Tuple.from(new Object[]{scope.getProjectId(), scope.getEnvironment(), surveyKey,
                            submission, at}))
                    .chain(() -> connection.preparedQuery("UPDATE survey_person SET dismissed_at = $5"
                            + " WHERE project_id = $1 AND environment = $2 AND person_key = $3 AND survey_key = $4")
                            .execute(Tuple.of(scope.getProjectId(), scope.getEnvironment(), person.key(), surveyKey,
                                    at))));
        });
    }

    public Uni<UUID> feedback(Scope scope, Feedback feedback) {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        FeedbackSubmittedProperties.Builder submitted = FeedbackSubmittedProperties.newBuilder()
                .setFeedbackId(id.toString()).setRating(feedback.rating())
                .setHasComment(feedback.comment() != null).setHasScreenshot(feedback.screenshot() != null);
        if (feedback.pageUrl() != null) {
            submitted.setPageUrl(feedback.pageUrl());
        }
        Event event = FeedbackEvents.event(scope, feedback.person(), submitted.build(), now);
        return transaction(List.of(event), connection -> connection.preparedQuery("""
                INSERT INTO feedback_item (project_id, environment, feedback_id, person_key, rating, comment, email,
                                           page_url, selector, screenshot, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""")
                .execute(Tuple.from(new Object[]{scope.getProjectId(), scope.getEnvironment(), id,
                        feedback.person().key(), (short) feedback.rating(), feedback.comment(), feedback.email(),
                        feedback.pageUrl(), feedback.selector(),
                        feedback.screenshot() == null ? null : Buffer.buffer(feedback.screenshot()),
                        now.atOffset(ZoneOffset.UTC)})))
                .replaceWith(id);
    }

    public int maxScreenshotBytes() {
        return config.maxScreenshotBytes();
    }

    /** A survey's stored definition and version. */
    private record StoredDefinition(String definition, long version) {
    }

    /** The survey definition of a submission shown to this person, or the reason it cannot be answered. */
    private Uni<StoredDefinition> submission(Scope scope, Person person, String surveyKey, UUID submission) {
        return pool.preparedQuery("""
                SELECT s.person_key, v.definition, v.version FROM survey_submission s
                LEFT JOIN survey v ON v.project_id = s.project_id AND v.environment = s.environment
                                  AND v.survey_key = s.survey_key
                WHERE s.project_id = $1 AND s.environment = $2 AND s.survey_key = $3 AND s.submission_id = $4""")
                .execute(Tuple.from(new Object[]{scope.getProjectId(), scope.getEnvironment(), surveyKey,
                        submission}))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new FeedbackException(FeedbackFailure.NOT_FOUND, "no submission " + submission
                                + " of survey '" + surveyKey + "'");
                    }
                    Row row = rows.iterator().next();
                    if (!row.getString(0).equals(person.key())) {
                        throw new FeedbackException(FeedbackFailure.PRECONDITION, "submission " + submission
                                + " was shown to someone else");
                    }
                    if (row.getString(1) == null) {
                        throw new FeedbackException(FeedbackFailure.PRECONDITION, "survey '" + surveyKey
                                + "' was deleted");
                    }
                    return new StoredDefinition(row.getString(1), row.getLong(2));
                });
    }

    /** Runs the work and writes the events in one transaction; sends the events once it committed. */
    private Uni<Void> transaction(List<Event> events, java.util.function.Function<SqlConnection, Uni<?>> work) {
        return pool.withTransaction(connection -> work.apply(connection).chain(() -> outbox.add(connection, events)))
                .invoke(ids -> outbox.send(ids, events)).replaceWithVoid();
    }

    private static SurveySelector.Context context(Request request) {
        Map<String, Object> attributes = new HashMap<>(request.properties());
        attributes.put("url", request.url());
        attributes.put("device", request.device());
        attributes.put("event", request.event());
        attributes.put("flags", request.flags());
        attributes.put("experiments", request.experiments());
        return new SurveySelector.Context(request.person().key(), request.url(), request.device(), request.event(),
                attributes);
    }

    private static Instant instant(Row row, int column) {
        OffsetDateTime at = row.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }
}
