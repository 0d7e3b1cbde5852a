package dev.flywheel.metrics.grpc;

import java.time.Instant;

import dev.flywheel.metrics.store.HeatmapStore;
import dev.flywheel.proto.recordings.v1.EventOccurrence;
import dev.flywheel.proto.recordings.v1.EventOccurrences;
import dev.flywheel.proto.recordings.v1.FindEventOccurrencesRequest;
import dev.flywheel.proto.recordings.v1.RecordingEventsService;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.RefusedRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Who performed an event when: what filtering recordings by an event performed during them needs. */
@GrpcService
public class RecordingEventsGrpcService implements RecordingEventsService {

    private static final int MAX = 10_000;

    private final CallerScope callers;
    private final HeatmapStore store;

    public RecordingEventsGrpcService(CallerScope callers, HeatmapStore store) {
        this.callers = callers;
        this.store = store;
    }

    @Override
    public Uni<EventOccurrences> findEventOccurrences(FindEventOccurrencesRequest request) {
        return callers.reader(request.getEnvironment()).flatMap(scope -> {
            if (request.getEvent().isEmpty() || request.getEvent().length() > 500) {
                throw RefusedRequest.invalid("event: the event's name, 1 to 500 characters");
            }
            if (!request.hasFrom() || !request.hasTo()) {
                throw RefusedRequest.invalid("from, to: the range to look in");
            }
            Instant from = ProtoValues.instant(request.getFrom());
            Instant to = ProtoValues.instant(request.getTo());
            if (!from.isBefore(to)) {
                throw RefusedRequest.invalid("from: before to");
            }
            int limit = request.getLimit() == 0 ? MAX : request.getLimit();
            if (limit < 1 || limit > MAX) {
                throw RefusedRequest.invalid("limit: 1 to " + MAX);
            }
            // one more than asked: whether there were more
            return store.occurrences(scope, request.getEvent(), from, to, limit + 1).map(found -> {
                EventOccurrences.Builder answer = EventOccurrences.newBuilder().setTruncated(found.size() > limit);
                found.stream().limit(limit).forEach(o -> answer.addOccurrences(EventOccurrence.newBuilder()
                        .setDistinctId(o.distinctId()).setAt(ProtoValues.timestamp(o.at()))));
                return answer.build();
            });
        }).onFailure().transform(CallerScope::toStatus);
    }
}
