package dev.flywheel.feedback.grpc;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;

import dev.flywheel.feedback.recordings.RecordingStore;
import dev.flywheel.feedback.recordings.RecordingStore.StoredSession;
import dev.flywheel.feedback.recordings.Recordings;
import dev.flywheel.proto.recordings.v1.DeleteRecordingsRequest;
import dev.flywheel.proto.recordings.v1.DeleteRecordingsResponse;
import dev.flywheel.proto.recordings.v1.GetRecordingRequest;
import dev.flywheel.proto.recordings.v1.GetRecordingSettingsRequest;
import dev.flywheel.proto.recordings.v1.ListRecordingsRequest;
import dev.flywheel.proto.recordings.v1.ListRecordingsResponse;
import dev.flywheel.proto.recordings.v1.PutChunkRequest;
import dev.flywheel.proto.recordings.v1.PutChunkResponse;
import dev.flywheel.proto.recordings.v1.Recording;
import dev.flywheel.proto.recordings.v1.RecordingIngestService;
import dev.flywheel.proto.recordings.v1.RecordingQueryService;
import dev.flywheel.proto.recordings.v1.RecordingSettings;
import dev.flywheel.proto.recordings.v1.ReplayChunk;
import dev.flywheel.proto.recordings.v1.SurveyShown;
import dev.flywheel.recordings.InvalidChunkException;
import dev.flywheel.recordings.RecordingIds;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.RefusedRequest;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Session recordings over gRPC (ADR 0012): chunks in with client or server keys; listing, replay and erasure. */
final class RecordingGrpcServices {

    private RecordingGrpcServices() {
    }

    static Throwable toStatus(Throwable failure) {
        if (failure instanceof InvalidChunkException invalid) {
            return RefusedRequest.invalid((invalid.field().isEmpty() ? "body" : invalid.field()) + ": "
                    + invalid.getMessage()).toStatus();
        }
        if (failure instanceof UncheckedIOException) {
            return Status.UNAVAILABLE.withDescription("recording storage is unavailable; send the chunk again")
                    .withCause(failure).asRuntimeException();
        }
        return FeedbackCallers.toStatus(failure);
    }

    /** Chunks from browsers (through the gateway) and backends. */
    @GrpcService
    public static class Ingest implements RecordingIngestService {

        private final FeedbackCallers callers;
        private final Recordings recordings;

        public Ingest(FeedbackCallers callers, Recordings recordings) {
            this.callers = callers;
            this.recordings = recordings;
        }

        @Override
        public Uni<PutChunkResponse> putChunk(PutChunkRequest request) {
            return callers.recorder()
                    .flatMap(scope -> recordings.put(scope, request.getBody().toByteArray(), request.getGzip()))
                    .map(stored -> PutChunkResponse.newBuilder().setSessionId(stored.chunk().sessionId())
                            .setSequence(stored.chunk().sequence()).setDuplicate(stored.duplicate()).build())
                    .onFailure().transform(RecordingGrpcServices::toStatus);
        }
    }

    /** Listing, one session, its replay, erasure. */
    @GrpcService
    public static class Query implements RecordingQueryService {

        private static final int DEFAULT_PAGE = 50;
        private static final int MAX_PAGE = 200;

        private final FeedbackCallers callers;
        private final Recordings recordings;

        public Query(FeedbackCallers callers, Recordings recordings) {
            this.callers = callers;
            this.recordings = recordings;
        }

        @Override
        public Uni<ListRecordingsResponse> listRecordings(ListRecordingsRequest request) {
            return callers.recordingViewer(request.getEnvironment()).flatMap(scope -> {
                RecordingStore.Filter filter = filter(request);
                return recordings.list(scope, filter).map(sessions -> {
                    ListRecordingsResponse.Builder response = ListRecordingsResponse.newBuilder();
                    sessions.forEach(s -> response.addRecordings(recording(s)));
                    if (sessions.size() == filter.limit()) {
                        StoredSession last = sessions.get(sessions.size() - 1);
                        response.setNextPageToken(Base64.getUrlEncoder().withoutPadding().encodeToString(
                                (last.startedAt().toString() + " " + last.sessionId()).getBytes()));
                    }
                    return response.build();
                });
            }).onFailure().transform(RecordingGrpcServices::toStatus);
        }

        @Override
        public Uni<Recording> getRecording(GetRecordingRequest request) {
            return callers.recordingViewer(request.getEnvironment())
                    .flatMap(scope -> recordings.find(scope, sessionId(request.getSessionId())).flatMap(found -> {
                        if (found == null) {
                            throw RefusedRequest.notFound("Recording", request.getSessionId(), scope
                                    .getEnvironment());
                        }
                        Recording.Builder recording = recording(found).toBuilder();
                        return recordings.surveysDuring(scope, found).invoke(shown -> shown.forEach(s -> recording
                                .addSurveys(SurveyShown.newBuilder().setSurveyKey(s.surveyKey()).setSubmissionId(s
                                        .submissionId()).setCompleted(s.completed()).setShownAt(ProtoValues
                                                .timestamp(s.shownAt())))))
                                .chain(() -> recordings.feedbackDuring(scope, found))
                                .map(feedback -> recording.addAllFeedbackIds(feedback).build());
                    })).onFailure().transform(RecordingGrpcServices::toStatus);
        }

        @Override
        public Multi<ReplayChunk> streamReplay(GetRecordingRequest request) {
            return callers.recordingViewer(request.getEnvironment())
                    .flatMap(scope -> recordings.find(scope, sessionId(request.getSessionId())).map(found -> {
                        if (found == null) {
                            throw RefusedRequest.notFound("Recording", request.getSessionId(), scope
                                    .getEnvironment());
                        }
                        return scope;
                    }))
                    .onItem().transformToMulti(scope -> recordings.replay(scope, request.getSessionId()))
                    .map(part -> ReplayChunk.newBuilder().setWindowId(part.windowId()).setSequence(part.sequence())
                            .setEventsJson(ByteString.copyFrom(part.eventsJson())).build())
                    .onFailure().transform(RecordingGrpcServices::toStatus);
        }

        @Override
        public Uni<DeleteRecordingsResponse> deleteRecordings(DeleteRecordingsRequest request) {
            return callers.recordingEraser(request.getEnvironment()).flatMap(scope -> {
                Uni<List<String>> sessions = switch (request.getWhichCase()) {
                    case SESSION_ID -> Uni.createFrom().item(List.of(sessionId(request.getSessionId())));
                    case DISTINCT_ID -> recordings.sessionsOf(scope, request.getDistinctId());
                    default -> throw RefusedRequest.invalid("give a sessionId or a distinctId");
                };
                return sessions.flatMap(ids -> recordings.delete(scope, ids));
            }).map(deleted -> DeleteRecordingsResponse.newBuilder().setSessionsDeleted(deleted).build())
                    .onFailure().transform(RecordingGrpcServices::toStatus);
        }

        @Override
        public Uni<RecordingSettings> getRecordingSettings(GetRecordingSettingsRequest request) {
            return callers.recordingAdmin().flatMap(project -> recordings.retentionDays(project))
                    .map(days -> RecordingSettings.newBuilder().setRetentionDays(days).build())
                    .onFailure().transform(RecordingGrpcServices::toStatus);
        }

        @Override
        public Uni<RecordingSettings> putRecordingSettings(RecordingSettings request) {
            int days = request.getRetentionDays();
            return callers.recordingAdmin().flatMap(project -> {
                if (days < 0 || days > 3650) {
                    throw RefusedRequest.invalid("retentionDays: 1 to 3650 (0: the default)");
                }
                return recordings.setRetentionDays(project, days == 0 ? null : days)
                        .chain(() -> recordings.retentionDays(project));
            }).map(kept -> RecordingSettings.newBuilder().setRetentionDays(kept).build())
                    .onFailure().transform(RecordingGrpcServices::toStatus);
        }

        private static String sessionId(String id) {
            if (!RecordingIds.valid(id)) {
                throw RefusedRequest.invalid("sessionId: must be 8 to 64 letters, digits, '-' or '_'");
            }
            return id;
        }

        private static RecordingStore.Filter filter(ListRecordingsRequest request) {
            int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
            if (size < 1 || size > MAX_PAGE) {
                throw RefusedRequest.invalid("pageSize: 1 to " + MAX_PAGE);
            }
            if (request.getMinDurationMs() < 0) {
                throw RefusedRequest.invalid("minDurationMs: must not be negative");
            }
            String experiment = null;
            String variation = null;
            if (!request.getVariation().isEmpty()) {
                int colon = request.getVariation().indexOf(':');
                if (colon <= 0 || colon == request.getVariation().length() - 1) {
                    throw RefusedRequest.invalid("variation: as experiment:variation");
                }
                experiment = request.getVariation().substring(0, colon);
                variation = request.getVariation().substring(colon + 1);
            }
            Instant afterStarted = null;
            String afterSession = null;
            if (!request.getPageToken().isEmpty()) {
                try {
                    String[] token = new String(Base64.getUrlDecoder().decode(request.getPageToken())).split(" ", 2);
                    afterStarted = Instant.parse(token[0]);
                    afterSession = token[1];
                } catch (RuntimeException e) {
                    throw RefusedRequest.invalid("pageToken: not a token this service gave");
                }
            }
            return new RecordingStore.Filter(blank(request.getDistinctId()), blank(request.getUrlContains()),
                    request.getMinDurationMs(), request.hasStartedFrom()
                            ? ProtoValues.instant(request
                                    .getStartedFrom())
                            : null,
                    request.hasStartedBefore()
                            ? ProtoValues.instant(request
                                    .getStartedBefore())
                            : null,
                    experiment, variation, request.getHasRageClicks(),
                    request.getHasConsoleErrors(), afterStarted, afterSession, size,
                    request.hasAt() ? ProtoValues.instant(request.getAt()) : null,
                    request.hasPerformed()
                            ? request.getPerformed().getOccurrencesList().stream()
                                    .map(o -> new RecordingStore.Performed(o.getDistinctId(),
                                            ProtoValues.instant(o.getAt())))
                                    .toList()
                            : null);
        }

        private static String blank(String value) {
            return value.isEmpty() ? null : value;
        }

        static Recording recording(StoredSession s) {
            return Recording.newBuilder().setSessionId(s.sessionId()).setDistinctId(s.distinctId())
                    .setStartedAt(ProtoValues.timestamp(s.startedAt())).setEndedAt(ProtoValues.timestamp(s
                            .endedAt()))
                    .setDurationMs(s.endedAt().toEpochMilli() - s.startedAt().toEpochMilli())
                    .setActiveMs(s.activeMillis()).addAllPages(s.pages()).setClicks(s.clicks())
                    .setRageClicks(s.rageClicks()).setConsoleErrors(s.consoleErrors()).setChunks(s.chunks())
                    .setSizeBytes(s.sizeBytes()).putAllFlags(strings(s.flags()))
                    .putAllVariations(strings(s.variations())).setReplayable(s.replayable()).build();
        }

        private static Map<String, String> strings(Map<String, Object> values) {
            return values.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                    e -> String.valueOf(e.getValue())));
        }
    }
}
