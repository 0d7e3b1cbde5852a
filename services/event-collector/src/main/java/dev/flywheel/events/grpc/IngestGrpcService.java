package dev.flywheel.events.grpc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.flywheel.events.service.AdmissionControl;
import dev.flywheel.events.service.IngestException;
import dev.flywheel.events.service.IngestFailure;
import dev.flywheel.events.service.IngestPipeline;
import dev.flywheel.ingest.IngestLimits;
import dev.flywheel.ingest.IngestRequestContext;
import dev.flywheel.ingest.MalformedInputException;
import dev.flywheel.ingest.SegmentParser;
import dev.flywheel.ingest.TypedEventReader;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.IngestBatchRequest;
import dev.flywheel.proto.events.v1.IngestResponse;
import dev.flywheel.proto.events.v1.IngestSegmentRequest;
import dev.flywheel.proto.events.v1.IngestServiceGrpc;
import dev.flywheel.service.auth.KeyAuthenticator;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.StoreFailures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/**
 * The gRPC edge of ingestion: authenticates direct callers, parses, runs the pipeline, maps failures. Written on
 * grpc-java's observer API rather than the Mutiny stubs because a client stream needs real flow control: the next
 * batch is read only when the previous one is durable, so a fast client cannot fill the heap.
 */
@GrpcService
public class IngestGrpcService extends IngestServiceGrpc.IngestServiceImplBase {

    private static final SegmentParser SEGMENT = new SegmentParser(IngestLimits.SEGMENT);
    private static final TypedEventReader TYPED = new TypedEventReader(IngestLimits.SEGMENT);
    private static final Set<KeyKind> INGEST_KEYS = EnumSet.of(KeyKind.KEY_KIND_CLIENT, KeyKind.KEY_KIND_SERVER);
    private static final Duration MAX_FORWARDING_DELAY = Duration.ofMinutes(1);

    private final IngestPipeline pipeline;
    private final KeyAuthenticator authenticator;
    private final AdmissionControl admission;

    public IngestGrpcService(IngestPipeline pipeline, KeyAuthenticator authenticator, AdmissionControl admission) {
        this.pipeline = pipeline;
        this.authenticator = authenticator;
        this.admission = admission;
    }

    @Override
    public void ingestBatch(IngestBatchRequest request, StreamObserver<IngestResponse> response) {
        answer(authenticateCaller().flatMap(caller -> ingestTyped(request, caller, 0)), response);
    }

    @Override
    public void ingestSegment(IngestSegmentRequest request, StreamObserver<IngestResponse> response) {
        boolean importing = "import".equals(request.getCall());
        answer(authenticateCaller().flatMap(caller -> {
            if (importing && caller.getKind() != KeyKind.KEY_KIND_SERVER) {
                return Uni.createFrom().failure(new IngestException(IngestFailure.PERMISSION_DENIED,
                        "importing historical events needs a server key"));
            }
            Instant receivedAt = receivedAt(request);
            EventSource source = importing ? EventSource.EVENT_SOURCE_IMPORT : EventSource.EVENT_SOURCE_REST;
            IngestRequestContext context = new IngestRequestContext(caller.getScope(), receivedAt,
                    request.getClientIp(), request.getUserAgent(), source, importing);
            return admission.admit(request.getBody().size(), () -> Uni.createFrom()
                    .item(() -> SEGMENT.parse(request.getBody().toByteArray(), request.getCall(), context))
                    .flatMap(parsed -> pipeline.ingest(parsed, caller.getScope(), source, receivedAt)));
        }), response);
    }

    /**
     * The gateway's arrival time, so clock-skew correction measures from when the client sent; a time far from ours
     * is not the gateway's (a direct caller could otherwise shift its events' times without an import key).
     */
    private static Instant receivedAt(IngestSegmentRequest request) {
        Instant now = Instant.now();
        if (!request.hasReceivedAt()) {
            return now;
        }
        Instant claimed;
        try {
            claimed = ProtoValues.instant(request.getReceivedAt());
        } catch (IllegalArgumentException outOfRange) {
            return now;
        }
        return Duration.between(claimed, now).abs().compareTo(MAX_FORWARDING_DELAY) <= 0 ? claimed : now;
    }

    @Override
    public StreamObserver<IngestBatchRequest> ingestStream(StreamObserver<IngestResponse> response) {
        ServerCallStreamObserver<IngestResponse> call = (ServerCallStreamObserver<IngestResponse>) response;
        call.disableAutoRequest();
        IngestStream stream = new IngestStream(call);
        authenticateCaller().subscribe().with(stream::start, stream::fail);
        return stream;
    }

    /** One client stream: batches are taken one at a time, each only after the previous one is durable. */
    private final class IngestStream implements StreamObserver<IngestBatchRequest> {
        private final ServerCallStreamObserver<IngestResponse> call;
        private final List<IngestResponse> answers = new ArrayList<>();
        private ResolveKeyResponse caller;
        private int nextIndex;
        private boolean busy;
        private boolean halfClosed;
        private boolean finished;

        IngestStream(ServerCallStreamObserver<IngestResponse> call) {
            this.call = call;
        }

        synchronized void start(ResolveKeyResponse authenticated) {
            caller = authenticated;
            call.request(1);
        }

        @Override
        public synchronized void onNext(IngestBatchRequest batch) {
            if (finished) {
                return;
            }
            busy = true;
            int firstIndex = nextIndex;
            nextIndex += batch.getEventsCount();
            ingestTyped(batch, caller, firstIndex).subscribe().with(this::batchDone, this::fail);
        }

        private synchronized void batchDone(IngestResponse answer) {
            busy = false;
            answers.add(answer);
            if (halfClosed) {
                finish();
            } else if (!finished) {
                call.request(1);
            }
        }

        @Override
        public synchronized void onError(Throwable cancelled) {
            // The client went away; what was acknowledged stays acknowledged.
            finished = true;
        }

        @Override
        public synchronized void onCompleted() {
            halfClosed = true;
            if (!busy) {
                finish();
            }
        }

        private void finish() {
            if (!finished) {
                finished = true;
                call.onNext(IngestPipeline.merge(answers));
                call.onCompleted();
            }
        }

        synchronized void fail(Throwable failure) {
            if (!finished) {
                finished = true;
                call.onError(toStatus(failure));
            }
        }
    }

    private Uni<ResolveKeyResponse> authenticateCaller() {
        return authenticator.authenticateCaller(INGEST_KEYS, "send events");
    }

    private Uni<IngestResponse> ingestTyped(IngestBatchRequest request, ResolveKeyResponse caller, int firstIndex) {
        if (request.getHistorical() && caller.getKind() != KeyKind.KEY_KIND_SERVER) {
            return Uni.createFrom().failure(new IngestException(IngestFailure.PERMISSION_DENIED,
                    "importing historical events needs a server key"));
        }
        Instant receivedAt = Instant.now();
        EventSource source = request.getHistorical() ? EventSource.EVENT_SOURCE_IMPORT : EventSource.EVENT_SOURCE_GRPC;
        IngestRequestContext context = new IngestRequestContext(caller.getScope(), receivedAt, null, null, source,
                request.getHistorical());
        return admission.admit(request.getSerializedSize(), () -> Uni.createFrom()
                .item(() -> TYPED.read(request.getEventsList(), firstIndex, context))
                .flatMap(parsed -> pipeline.ingest(parsed, caller.getScope(), source, receivedAt)));
    }

    private static void answer(Uni<IngestResponse> result, StreamObserver<IngestResponse> response) {
        result.subscribe().with(answer -> {
            response.onNext(answer);
            response.onCompleted();
        }, failure -> response.onError(toStatus(failure)));
    }

    /** The one mapping from ingest failures to gRPC status codes. */
    static StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof MalformedInputException malformed) {
            return Status.INVALID_ARGUMENT.withDescription(malformed.reason() + ": " + malformed.getMessage())
                    .asRuntimeException();
        }
        if (failure instanceof IngestException ingest) {
            Status status = switch (ingest.failure()) {
                case MALFORMED -> Status.INVALID_ARGUMENT;
                case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
                case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
                case OVERLOADED -> Status.RESOURCE_EXHAUSTED;
                case UNAVAILABLE -> Status.UNAVAILABLE;
            };
            return status.withDescription(ingest.getMessage()).asRuntimeException();
        }
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        return StoreFailures.toStatus(failure, "event collection");
    }
}
