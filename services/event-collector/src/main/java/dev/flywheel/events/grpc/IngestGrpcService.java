package dev.flywheel.events.grpc;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flywheel.events.auth.CallerKeyInterceptor;
import dev.flywheel.events.auth.KeyAuthenticator;
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
import dev.flywheel.proto.events.v1.IngestService;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The gRPC edge of ingestion: authenticates direct callers, parses, runs the pipeline, maps failures. */
@GrpcService
public class IngestGrpcService implements IngestService {

    private static final SegmentParser SEGMENT = new SegmentParser(IngestLimits.SEGMENT);
    private static final TypedEventReader TYPED = new TypedEventReader(IngestLimits.SEGMENT);

    private final IngestPipeline pipeline;
    private final KeyAuthenticator authenticator;

    public IngestGrpcService(IngestPipeline pipeline, KeyAuthenticator authenticator) {
        this.pipeline = pipeline;
        this.authenticator = authenticator;
    }

    @Override
    public Uni<IngestResponse> ingestBatch(IngestBatchRequest request) {
        String key = CallerKeyInterceptor.CALLER_KEY.get();
        return authenticator.authenticate(key)
                .flatMap(caller -> ingestTyped(request, caller, 0))
                .onFailure().transform(IngestGrpcService::toStatus);
    }

    @Override
    public Uni<IngestResponse> ingestStream(Multi<IngestBatchRequest> requests) {
        String key = CallerKeyInterceptor.CALLER_KEY.get();
        AtomicInteger index = new AtomicInteger();
        return authenticator.authenticate(key)
                .flatMap(caller -> requests
                        // One batch at a time: order is kept and memory stays bounded whatever the client sends.
                        .onItem().transformToUniAndConcatenate(
                                request -> ingestTyped(request, caller, index.getAndAdd(request.getEventsCount())))
                        .collect().asList()
                        .map(IngestPipeline::merge))
                .onFailure().transform(IngestGrpcService::toStatus);
    }

    @Override
    public Uni<IngestResponse> ingestSegment(IngestSegmentRequest request) {
        Instant receivedAt = request.hasReceivedAt()
                ? Instant.ofEpochSecond(request.getReceivedAt().getSeconds(), request.getReceivedAt().getNanos())
                : Instant.now();
        boolean importing = "import".equals(request.getCall());
        EventSource source = importing ? EventSource.EVENT_SOURCE_IMPORT : EventSource.EVENT_SOURCE_REST;
        IngestRequestContext context = new IngestRequestContext(request.getScope(), receivedAt,
                request.getClientIp(), request.getUserAgent(), source, importing);
        return Uni.createFrom().item(() -> SEGMENT.parse(request.getBody().toByteArray(), request.getCall(), context))
                .flatMap(parsed -> pipeline.ingest(parsed, request.getScope(), source, receivedAt))
                .onFailure().transform(IngestGrpcService::toStatus);
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
        return Uni.createFrom().item(() -> TYPED.read(request.getEventsList(), firstIndex, context))
                .flatMap(parsed -> pipeline.ingest(parsed, caller.getScope(), source, receivedAt));
    }

    /** The one mapping from ingest failures to gRPC status codes. */
    static Throwable toStatus(Throwable failure) {
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
        if (failure instanceof io.grpc.StatusRuntimeException) {
            return failure;
        }
        return Status.UNAVAILABLE.withDescription("ingest failed: " + failure.getMessage()).withCause(failure)
                .asRuntimeException();
    }
}
