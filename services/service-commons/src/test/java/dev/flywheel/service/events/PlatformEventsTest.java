package dev.flywheel.service.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.ExposureProperties;
import dev.flywheel.proto.events.v1.FeedbackSubmittedProperties;
import dev.flywheel.proto.events.v1.SurveyAnswer;
import dev.flywheel.proto.events.v1.SurveySentProperties;
import dev.flywheel.proto.events.v1.SurveyShownProperties;
import dev.flywheel.service.grpc.ProtoValues;

class PlatformEventsTest {

    private static final Scope SCOPE = Scope.newBuilder().setProjectId("p").setEnvironment("production").build();
    private static final Instant AT = Instant.parse("2026-12-01T10:00:00.123Z");

    private static final ExposureProperties EXPOSURE = ExposureProperties.newBuilder().setExperimentKey("checkout")
            .setVariationKey("one-page").setVariationIndex(1).setHashAttribute("id").setHashValue("u1")
            .setBucket(0.4321).setBucketVersion(2).addVariationWeights(0.5).addVariationWeights(0.5)
            .setStickyBucketUsed(true).build();

    private static Event track(Message properties) {
        return PlatformEvents.track(SCOPE, properties, "u1", "m1", AT, "test").build();
    }

    @Test
    void anEventIsNamedByItsMessageAndMarkedInternal() {
        Event event = track(EXPOSURE);
        assertEquals("$exposure", event.getName());
        assertEquals(EventSource.EVENT_SOURCE_INTERNAL, event.getSource());
        assertEquals(AT, ProtoValues.instant(event.getTimestamp()));
        assertEquals("survey shown", PlatformEvents.name(SurveyShownProperties.getDescriptor()));
        assertThrows(IllegalArgumentException.class, () -> PlatformEvents.name(SurveyAnswer.getDescriptor()));
    }

    @Test
    void propertiesAreTheFieldsByTheirProtoNamesAsBeforeTheMessagesExisted() {
        Struct expected = ProtoValues.toStruct(Map.of("experiment_key", "checkout", "variation_key", "one-page",
                "variation_index", 1, "hash_attribute", "id", "hash_value", "u1", "bucket", 0.4321,
                "bucket_version", 2, "variation_weights", List.of(0.5, 0.5), "sticky_bucket_used", true));
        assertEquals(expected, track(EXPOSURE).getProperties());
        // optional fields only when set, repeated ones only when not empty
        Struct feedback = track(FeedbackSubmittedProperties.newBuilder().setFeedbackId("f").setRating(4).build())
                .getProperties();
        assertEquals(ProtoValues.toStruct(Map.of("feedback_id", "f", "rating", 4, "has_comment", false,
                "has_screenshot", false)), feedback);
        Struct sent = track(SurveySentProperties.newBuilder().setSurveyKey("nps").setSubmissionId("s")
                .addAnswers(SurveyAnswer.newBuilder().setQuestionId("score").setScore(9))
                .addAnswers(SurveyAnswer.newBuilder().setQuestionId("plan").addChoices("pro").setOther("x"))
                .build()).getProperties();
        assertEquals(ProtoValues.toStruct(Map.of("survey_key", "nps", "submission_id", "s", "completed", false,
                "answers", List.of(Map.of("question_id", "score", "score", 9),
                        Map.of("question_id", "plan", "choices", List.of("pro"), "other", "x")))),
                sent);
    }

    @Test
    void whatIsWrittenReadsBack() {
        for (Message properties : List.<Message>of(EXPOSURE,
                SurveySentProperties.newBuilder().setSurveyKey("nps").setCompleted(true)
                        .addAnswers(SurveyAnswer.newBuilder().setQuestionId("why").setText("fast")).build(),
                FeedbackSubmittedProperties.newBuilder().setFeedbackId("f").setRating(2).setPageUrl("/a").build())) {
            assertEquals(Optional.of(properties),
                    PlatformEvents.read(track(properties), properties.getDefaultInstanceForType()));
        }
    }

    @Test
    void onlyInternalEventsOfTheTypeWithPropertiesOfTheRightKindAreRead() {
        Event exposure = track(EXPOSURE);
        ExposureProperties type = ExposureProperties.getDefaultInstance();
        assertFalse(PlatformEvents.read(exposure.toBuilder().setSource(EventSource.EVENT_SOURCE_REST).build(), type)
                .isPresent());
        assertFalse(PlatformEvents.read(exposure.toBuilder().setName("$pageview").build(), type).isPresent());
        assertFalse(PlatformEvents.read(exposure, SurveyShownProperties.getDefaultInstance()).isPresent());
        for (Value wrong : List.of(Value.newBuilder().setStringValue("1").build(),
                Value.newBuilder().setNumberValue(1.5).build(), Value.newBuilder().setNumberValue(1e12).build())) {
            Event bad = exposure.toBuilder().setProperties(exposure.getProperties().toBuilder()
                    .putFields("variation_index", wrong)).build();
            assertFalse(PlatformEvents.read(bad, type).isPresent(), wrong.toString());
        }
        // absent properties are the fields' defaults; unknown ones are ignored
        Event sparse = exposure.toBuilder().setProperties(ProtoValues.toStruct(Map.of("experiment_key", "checkout",
                "later_field", "x"))).build();
        assertEquals(Optional.of(ExposureProperties.newBuilder().setExperimentKey("checkout").build()),
                PlatformEvents.read(sparse, type));
    }
}
