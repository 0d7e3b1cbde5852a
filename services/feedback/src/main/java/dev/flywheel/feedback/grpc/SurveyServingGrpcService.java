package dev.flywheel.feedback.grpc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.google.protobuf.ByteString;

import dev.flywheel.feedback.events.FeedbackEvents.Person;
import dev.flywheel.feedback.service.SurveyServing;
import dev.flywheel.proto.feedback.v1.AnswerInput;
import dev.flywheel.proto.feedback.v1.DismissSurveyRequest;
import dev.flywheel.proto.feedback.v1.DismissSurveyResponse;
import dev.flywheel.proto.feedback.v1.NextSurveyRequest;
import dev.flywheel.proto.feedback.v1.NextSurveyResponse;
import dev.flywheel.proto.feedback.v1.SubmitAnswersRequest;
import dev.flywheel.proto.feedback.v1.SubmitAnswersResponse;
import dev.flywheel.proto.feedback.v1.SubmitFeedbackRequest;
import dev.flywheel.proto.feedback.v1.SubmitFeedbackResponse;
import dev.flywheel.proto.feedback.v1.SurveyServingService;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.RefusedRequest;
import dev.flywheel.surveys.SurveyDefinition;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Serving surveys and the feedback widget, for server keys and (through the gateway) client keys. */
@GrpcService
public class SurveyServingGrpcService implements SurveyServingService {

    static final int MAX_ID = 200;
    static final int MAX_URL = 2048;
    static final int MAX_NAME = 500;
    static final int MAX_ENTRIES = 200;
    static final int MAX_ANSWERS = SurveyDefinition.MAX_QUESTIONS;
    static final int MAX_COMMENT = 5000;
    static final int MAX_SELECTOR = 1000;
    private static final Set<String> DEVICES = Set.of("", "desktop", "mobile", "tablet");
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final FeedbackCallers callers;
    private final SurveyServing serving;

    public SurveyServingGrpcService(FeedbackCallers callers, SurveyServing serving) {
        this.callers = callers;
        this.serving = serving;
    }

    @Override
    public Uni<NextSurveyResponse> nextSurvey(NextSurveyRequest request) {
        // Who is asking comes first: an unauthenticated caller learns nothing, not even what its input lacks.
        return callers.respondent()
                .chain(scope -> Uni.createFrom().item(() -> request(request))
                        .chain(checked -> serving.next(scope, checked)))
                .map(next -> {
                    NextSurveyResponse.Builder response = NextSurveyResponse.newBuilder()
                            .addAllTriggerEvents(next.triggerEvents());
                    SurveyServing.Shown shown = next.shown();
                    return shown == null
                            ? response.setShow(false).build()
                            : response.setShow(true).setSurveyKey(shown.surveyKey())
                                    .setSurveyVersion(shown.version())
                                    .setSubmissionId(shown.submissionId().toString())
                                    .setSurveyJson(shown.render()).build();
                })
                .onFailure().transform(FeedbackCallers::toStatus);
    }

    @Override
    public Uni<SubmitAnswersResponse> submitAnswers(SubmitAnswersRequest request) {
        return callers.respondent().chain(scope -> Uni.createFrom().item(() -> {
            person(request.getPerson());
            SurveyAdminGrpcService.key(request.getSurveyKey());
            submission(request.getSubmissionId());
            if (request.getAnswersCount() == 0 || request.getAnswersCount() > MAX_ANSWERS) {
                throw RefusedRequest.invalid("answers: 1 to " + MAX_ANSWERS);
            }
            Set<String> questions = new HashSet<>();
            List<Map.Entry<String, Object[]>> answers = new ArrayList<>();
            for (AnswerInput answer : request.getAnswersList()) {
                if (!questions.add(answer.getQuestionId())) {
                    throw RefusedRequest.invalid("answers: question '" + shorten(answer.getQuestionId())
                            + "' is answered twice");
                }
                Object value = answer.hasValue() ? ProtoValues.toJava(answer.getValue()) : null;
                if (value instanceof Double d && d == Math.rint(d)) {
                    value = d.longValue();
                }
                answers.add(Map.entry(answer.getQuestionId(), new Object[]{value,
                        answer.getOther().isEmpty() ? null : answer.getOther()}));
            }
            return answers;
        }).chain(answers -> serving.submit(scope, person(request.getPerson()), request.getSurveyKey(),
                submission(request.getSubmissionId()), answers, request.getCompleted())))
                .map(done -> SubmitAnswersResponse.newBuilder().setCompleted(done.completed())
                        .setNextQuestionId(done.nextQuestionId() == null ? "" : done.nextQuestionId()).build())
                .onFailure().transform(FeedbackCallers::toStatus);
    }

    @Override
    public Uni<DismissSurveyResponse> dismissSurvey(DismissSurveyRequest request) {
        return callers.respondent().chain(scope -> Uni.createFrom().item(() -> {
            SurveyAdminGrpcService.key(request.getSurveyKey());
            return submission(request.getSubmissionId());
        }).chain(submission -> serving.dismiss(scope, person(request.getPerson()), request.getSurveyKey(),
                submission)))
                .replaceWith(DismissSurveyResponse.getDefaultInstance())
                .onFailure().transform(FeedbackCallers::toStatus);
    }

    @Override
    public Uni<SubmitFeedbackResponse> submitFeedback(SubmitFeedbackRequest request) {
        return callers.respondent()
                .chain(scope -> Uni.createFrom().item(() -> feedback(request))
                        .chain(checked -> serving.feedback(scope, checked)))
                .map(id -> SubmitFeedbackResponse.newBuilder().setFeedbackId(id.toString()).build())
                .onFailure().transform(FeedbackCallers::toStatus);
    }

    private SurveyServing.Feedback feedback(SubmitFeedbackRequest request) {
        Person person = person(request.getPerson());
        if (request.getRating() < 1 || request.getRating() > 5) {
            throw RefusedRequest.invalid("rating: 1 to 5");
        }
        String comment = optional(request.getComment(), "comment", MAX_COMMENT);
        String email = optional(request.getEmail(), "email", 254);
        if (email != null && !Emails.valid(email)) {
            throw RefusedRequest.invalid("email: not an email address");
        }
        String page = optional(request.getPageUrl(), "pageUrl", MAX_URL);
        String selector = optional(request.getSelector(), "selector", MAX_SELECTOR);
        byte[] screenshot = null;
        ByteString png = request.getScreenshotPng();
        if (!png.isEmpty()) {
            if (png.size() > serving.maxScreenshotBytes()) {
                throw RefusedRequest.invalid("screenshotPng: at most " + serving.maxScreenshotBytes() + " bytes");
            }
            if (png.size() < 24 || !png.substring(0, 8).equals(ByteString.copyFrom(PNG))) {
                throw RefusedRequest.invalid("screenshotPng: not a PNG image");
            }
            screenshot = png.toByteArray();
        }
        return new SurveyServing.Feedback(person, request.getRating(), comment, email, page, selector, screenshot);
    }

    private static SurveyServing.Request request(NextSurveyRequest request) {
        Person person = person(request.getPerson());
        String url = optional(request.getUrl(), "url", MAX_URL);
        if (!DEVICES.contains(request.getDevice())) {
            throw RefusedRequest.invalid("device: desktop, mobile or tablet");
        }
        String event = optional(request.getEvent(), "event", MAX_NAME);
        if (request.getProperties().getFieldsCount() > MAX_ENTRIES || request.getFlagsCount() > MAX_ENTRIES
                || request.getExperimentsCount() > MAX_ENTRIES) {
            throw RefusedRequest.invalid("properties, flags and experiments: at most " + MAX_ENTRIES
                    + " entries each");
        }
        if (request.getProperties().getSerializedSize() > 64 * 1024) {
            throw RefusedRequest.invalid("properties: at most 64 KiB");
        }
        for (Map<String, String> map : List.of(request.getFlagsMap(), request.getExperimentsMap())) {
            map.forEach((k, v) -> {
                if (k.length() > MAX_NAME || v.length() > MAX_NAME) {
                    throw RefusedRequest.invalid("flags and experiments: keys and values of at most " + MAX_NAME
                            + " characters");
                }
            });
        }
        return new SurveyServing.Request(person, url, request.getDevice().isEmpty() ? null : request.getDevice(),
                event, ProtoValues.toMap(request.getProperties()), request.getFlagsMap(),
                request.getExperimentsMap());
    }

    static Person person(dev.flywheel.proto.feedback.v1.Person person) {
        String user = person.getUserId();
        String anonymous = person.getAnonymousId();
        if (user.isEmpty() && anonymous.isEmpty()) {
            throw RefusedRequest.invalid("person: a userId or an anonymousId is required");
        }
        if (user.length() > MAX_ID || anonymous.length() > MAX_ID || user.indexOf('\0') >= 0
                || anonymous.indexOf('\0') >= 0) {
            throw RefusedRequest.invalid("person: ids of at most " + MAX_ID + " characters");
        }
        return new Person(user, anonymous);
    }

    private static UUID submission(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw RefusedRequest.invalid("submissionId: the id NextSurvey returned");
        }
    }

    private static String optional(String value, String field, int max) {
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > max || value.indexOf('\0') >= 0) {
            throw RefusedRequest.invalid(field + ": at most " + max + " characters");
        }
        return value;
    }

    private static String shorten(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    /** The widget's email check: one @, something on each side, a dot in the domain. */
    static final class Emails {
        private static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern
                .compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s.]{1,63}");

        static boolean valid(String email) {
            return EMAIL.matcher(email).matches();
        }
    }
}
