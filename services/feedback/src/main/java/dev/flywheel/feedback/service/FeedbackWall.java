package dev.flywheel.feedback.service;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.ByteString;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.feedback.v1.FeedbackItem;
import dev.flywheel.proto.feedback.v1.FeedbackScreenshot;
import dev.flywheel.proto.feedback.v1.ListFeedbackResponse;
import dev.flywheel.proto.feedback.v1.ValueCount;
import dev.flywheel.service.grpc.ProtoValues;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The feedback widget's submissions as a team reads them: latest first, screenshots one at a time. */
@ApplicationScoped
public class FeedbackWall {

    private final Pool pool;

    public FeedbackWall(Pool pool) {
        this.pool = pool;
    }

    public Uni<ListFeedbackResponse> list(Scope scope, int limit, Instant before) {
        return pool.preparedQuery("""
                SELECT feedback_id, rating, comment, email, page_url, selector, screenshot IS NOT NULL, created_at,
                       person_key
                FROM feedback_item WHERE project_id = $1 AND environment = $2
                  AND ($3::timestamptz IS NULL OR created_at < $3)
                ORDER BY created_at DESC LIMIT $4""")
                .execute(Tuple.from(new Object[]{scope.getProjectId(), scope.getEnvironment(),
                        before == null ? null : before.atOffset(ZoneOffset.UTC), limit}))
                .map(rows -> {
                    ListFeedbackResponse.Builder out = ListFeedbackResponse.newBuilder();
                    TreeMap<Integer, Long> ratings = new TreeMap<>();
                    for (int r = 1; r <= 5; r++) {
                        ratings.put(r, 0L);
                    }
                    for (Row row : rows) {
                        int rating = row.getShort(1);
                        ratings.merge(rating, 1L, Long::sum);
                        out.addItems(FeedbackItem.newBuilder().setFeedbackId(row.getUUID(0).toString())
                                .setRating(rating).setComment(text(row, 2)).setEmail(text(row, 3))
                                .setPageUrl(text(row, 4)).setSelector(text(row, 5)).setHasScreenshot(row.getBoolean(6))
                                .setCreatedAt(ProtoValues.timestamp(row.getOffsetDateTime(7).toInstant()))
                                .setPerson(row.getString(8).substring(2)));
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
            throw FeedbackException.invalid("feedbackId: not a feedback id");
        }
        return pool.preparedQuery("SELECT screenshot FROM feedback_item WHERE project_id = $1 AND environment = $2"
                + " AND feedback_id = $3").execute(Tuple.of(scope.getProjectId(), scope.getEnvironment(), feedback))
                .map(rows -> {
                    if (rows.size() == 0 || rows.iterator().next().getBuffer(0) == null) {
                        throw new FeedbackException(FeedbackFailure.NOT_FOUND, "no screenshot for feedback " + id);
                    }
                    return FeedbackScreenshot.newBuilder().setPng(ByteString.copyFrom(rows.iterator().next()
                            .getBuffer(0).getBytes())).build();
                });
    }

    private static String text(Row row, int column) {
        String value = row.getString(column);
        return value == null ? "" : value;
    }
}
