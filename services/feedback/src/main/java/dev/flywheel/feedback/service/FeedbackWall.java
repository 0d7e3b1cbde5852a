package dev.flywheel.feedback.service;

import java.time.Instant;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.ByteString;

import dev.flywheel.feedback.store.FeedbackItemStore;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.feedback.v1.FeedbackItem;
import dev.flywheel.proto.feedback.v1.FeedbackScreenshot;
import dev.flywheel.proto.feedback.v1.ListFeedbackResponse;
import dev.flywheel.proto.feedback.v1.ValueCount;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import io.smallrye.mutiny.Uni;

/** The feedback widget's submissions as a team reads them: latest first, screenshots one at a time. */
@ApplicationScoped
public class FeedbackWall {

    private final FeedbackItemStore items;

    public FeedbackWall(FeedbackItemStore items) {
        this.items = items;
    }

    public Uni<ListFeedbackResponse> list(Scope scope, int limit, Instant before) {
        return items.latest(scope, limit, before).map(latest -> {
            ListFeedbackResponse.Builder out = ListFeedbackResponse.newBuilder();
            TreeMap<Integer, Long> ratings = new TreeMap<>();
            for (int r = 1; r <= 5; r++) {
                ratings.put(r, 0L);
            }
            for (FeedbackItemStore.Item item : latest) {
                ratings.merge(item.rating(), 1L, Long::sum);
                out.addItems(FeedbackItem.newBuilder().setFeedbackId(item.id().toString()).setRating(item.rating())
                        .setComment(text(item.comment())).setEmail(text(item.email()))
                        .setPageUrl(text(item.pageUrl())).setSelector(text(item.selector()))
                        .setHasScreenshot(item.hasScreenshot()).setCreatedAt(ProtoValues.timestamp(item.createdAt()))
                        .setPerson(item.personKey().substring(2)));
            }
            ratings.forEach((rating, n) -> out.addRatings(ValueCount.newBuilder()
                    .setValue(Integer.toString(rating)).setCount(n)));
            return out.build();
        });
    }

    public Uni<FeedbackScreenshot> screenshot(Scope scope, String id) {
        UUID feedback;
        try {
            feedback = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw RefusedRequest.invalid("feedbackId: not a feedback id");
        }
        return items.screenshot(scope, feedback).map(png -> {
            if (png == null) {
                throw new RefusedRequest(Refusal.NOT_FOUND, "no screenshot for feedback " + id);
            }
            return FeedbackScreenshot.newBuilder().setPng(ByteString.copyFrom(png)).build();
        });
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
