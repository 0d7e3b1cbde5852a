package dev.flywheel.feedback.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.feedback.config.FeedbackConfig;
import dev.flywheel.feedback.events.EventOutbox;
import dev.flywheel.feedback.events.FeedbackEvents;
import dev.flywheel.feedback.events.FeedbackEvents.Person;
import dev.flywheel.feedback.store.FeedbackItemStore;
import dev.flywheel.feedback.store.SurveyResponseStore;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.FeedbackSubmittedProperties;
import dev.flywheel.proto.events.v1.SurveyDismissedProperties;
import dev.flywheel.proto.events.v1.SurveySentProperties;
import dev.flywheel.proto.events.v1.SurveyShownProperties;
import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import dev.flywheel.surveys.Answer;
import dev.flywheel.surveys.Answers;
import dev.flywheel.surveys.Question;
import dev.flywheel.surveys.Survey;
import dev.flywheel.surveys.SurveySelector;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

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

    /**
     * What to show now (null: nothing), and the events that trigger a running survey: clients ask again only after
     * those.
     */
    public record Next(Shown shown, Set<String> triggerEvents) {
    }

    public record Submitted(String nextQuestionId, boolean completed) {
    }

    /** A widget submission, checked. */
    public record Feedback(Person person, int rating, String comment, String email, String pageUrl, String selector,
            byte[] screenshot) {
    }

    private final Pool pool;
    private final SurveyResponseStore responses;
    private final FeedbackItemStore feedbackItems;
    private final SurveySnapshots snapshots;
    private final EventOutbox outbox;
    private final FeedbackConfig config;

    public SurveyServing(Pool pool, SurveyResponseStore responses, FeedbackItemStore feedbackItems,
            SurveySnapshots snapshots, EventOutbox outbox, FeedbackConfig config) {
        this.pool = pool;
        this.responses = responses;
        this.feedbackItems = feedbackItems;
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.config = config;
    }

    public Uni<Next> next(Scope scope, Request request) {
        String project = scope.getProjectId();
        String environment = scope.getEnvironment();
        return snapshots.environment(project, environment).chain(environmentSurveys -> {
            Map<String, SurveySnapshots.Live> running = environmentSurveys.surveys();
            Set<String> triggers = environmentSurveys.triggerEvents();
            if (running.isEmpty()) {
                return Uni.createFrom().item(new Next(null, triggers));
            }
            List<Survey> surveys = running.values().stream().map(SurveySnapshots.Live::survey).toList();
            return responses.seen(scope, request.person().key()).chain(seen -> {
                Instant now = Instant.now();
                SurveySelector.Selection selection = SurveySelector.select(surveys, context(request), seen,
                        now);
                if (selection.survey() == null) {
                    return Uni.createFrom().item(new Next(null, triggers));
                }
                return show(scope, request, running.get(selection.survey().key()), now)
                        .map(shown -> new Next(shown, triggers));
            });
        });
    }

    private Uni<Shown> show(Scope scope, Request request, SurveySnapshots.Live live, Instant now) {
        UUID submission = UUID.randomUUID();
        String key = live.survey().key();
        JsonObject context = new JsonObject().put("url", request.url()).put("device", request.device())
                .put("properties", new JsonObject(request.properties()))
                .put("flags", new JsonObject(new HashMap<>(request.flags())))
                .put("experiments", new JsonObject(new HashMap<>(request.experiments())));
        Event event = FeedbackEvents.event(scope, request.person(), SurveyShownProperties.newBuilder()
                .setSurveyKey(key).setSurveyVersion(live.version()).setSubmissionId(submission.toString()).build(),
                now);
        return responses.show(scope, request.person().key(), key, submission, live.version(), context,
                event.toByteArray(), now)
                .invoke(id -> outbox.send(List.of(id), List.of(event)))
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
                        throw new RefusedRequest(Refusal.FAILED_PRECONDITION,
                                "survey '" + surveyKey + "' can no longer "
                                        + "be answered");
                    }
                    List<Answer> checked = new ArrayList<>();
                    for (Map.Entry<String, Object[]> given : answers) {
                        Question question = live.survey().question(given.getKey()).orElseThrow(() -> RefusedRequest
                                .invalid("survey '" + surveyKey + "' has no question '" + given.getKey() + "'"));
                        try {
                            checked.add(Answers.check(question, given.getValue()[0], (String) given.getValue()[1]));
                        } catch (Answers.InvalidAnswerException e) {
                            throw RefusedRequest.invalid(e.getMessage());
                        }
                    }
                    String next = checked.isEmpty()
                            ? null
                            : Answers.next(live.survey(), checked.get(checked.size() - 1));
                    boolean done = completed || next == null;
                    Instant now = Instant.now();
                    SurveySentProperties.Builder sent = SurveySentProperties.newBuilder().setSurveyKey(surveyKey)
                            .setSubmissionId(submission.toString()).setCompleted(done);
                    checked.forEach(answer -> sent.addAnswers(FeedbackEvents.answer(answer)));
                    Event event = FeedbackEvents.event(scope, person, sent.build(), now);
                    return transaction(List.of(event), connection -> responses.answer(connection, scope,
                            person.key(), surveyKey, submission, checked, done, now))
                            .replaceWith(new Submitted(done ? null : next, done));
                });
    }

    public Uni<Void> dismiss(Scope scope, Person person, String surveyKey, UUID submission) {
        return submission(scope, person, surveyKey, submission).chain(stored -> {
            Instant now = Instant.now();
            Event event = FeedbackEvents.event(scope, person, SurveyDismissedProperties.newBuilder()
                    .setSurveyKey(surveyKey).setSubmissionId(submission.toString()).build(), now);
            return transaction(List.of(event), connection -> responses.dismiss(connection, scope, person.key(),
                    surveyKey, submission, now));
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
        return transaction(List.of(event), connection -> feedbackItems.insert(connection, scope, id,
                feedback.person().key(), new FeedbackItemStore.Item(id, feedback.rating(), feedback.comment(),
                        feedback.email(), feedback.pageUrl(), feedback.selector(), feedback.screenshot() != null,
                        now, feedback.person().key()),
                feedback.screenshot()))
                .replaceWith(id);
    }

    public int maxScreenshotBytes() {
        return config.maxScreenshotBytes();
    }

    /** The survey definition of a submission shown to this person, or the reason it cannot be answered. */
    private Uni<SurveyResponseStore.Submission> submission(Scope scope, Person person, String surveyKey,
            UUID submission) {
        return responses.submission(scope, surveyKey, submission).map(found -> {
            if (found == null) {
                throw new RefusedRequest(Refusal.NOT_FOUND, "no submission " + submission
                        + " of survey '" + surveyKey + "'");
            }
            if (!found.personKey().equals(person.key())) {
                throw new RefusedRequest(Refusal.FAILED_PRECONDITION, "submission " + submission
                        + " was shown to someone else");
            }
            if (found.definition() == null) {
                throw new RefusedRequest(Refusal.FAILED_PRECONDITION, "survey '" + surveyKey + "' was deleted");
            }
            return found;
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
}
