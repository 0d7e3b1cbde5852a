package dev.flywheel.gateway.ingest.client;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.UnsafeByteOperations;

import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.services.ServiceCalls;
import dev.flywheel.proto.events.v1.IngestResponse;
import dev.flywheel.proto.events.v1.IngestSegmentRequest;
import dev.flywheel.proto.events.v1.MutinyIngestServiceGrpc.MutinyIngestServiceStub;
import dev.flywheel.service.grpc.ProtoValues;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;

/**
 * The gateway's one way to the event-collector. Maps its gRPC answers to what Segment clients understand: 400
 * only for input that will never succeed, 429/503 with Retry-After for anything worth retrying.
 */
@ApplicationScoped
public class EventCollectorClient {

    /** Longer than the collector's own wait for Kafka, so it answers first with a precise reason. */
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(25);

    private final MutinyIngestServiceStub collector;

    public EventCollectorClient(@GrpcClient("event-collector") MutinyIngestServiceStub collector) {
        this.collector = collector;
    }

    /** Forwards a Segment body under the caller's own write key: the collector takes the scope from the key. */
    public Uni<IngestResponse> forward(String writeKey, String call, byte[] body, String clientIp, String userAgent,
            Instant receivedAt) {
        IngestSegmentRequest.Builder request = IngestSegmentRequest.newBuilder()
                .setCall(call)
                .setBody(UnsafeByteOperations.unsafeWrap(body)) // the body is never changed after this
                .setReceivedAt(ProtoValues.timestamp(receivedAt));
        if (clientIp != null) {
            request.setClientIp(clientIp);
        }
        if (userAgent != null) {
            request.setUserAgent(userAgent);
        }
        return ServiceCalls.as(collector, writeKey, CALL_DEADLINE)
                .ingestSegment(request.build())
                .onFailure().transform(EventCollectorClient::toApiException);
    }

    private static Throwable toApiException(Throwable failure) {
        Status status = failure instanceof StatusRuntimeException grpc
                ? grpc.getStatus()
                : Status.fromThrowable(failure);
        String detail = status.getDescription() != null ? status.getDescription() : status.getCode().name();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> new ApiException(ApiError.MALFORMED_REQUEST, detail);
            case RESOURCE_EXHAUSTED -> ApiException.retryLater(ApiError.RATE_LIMITED, detail, 1);
            case UNAUTHENTICATED -> new ApiException(ApiError.UNAUTHENTICATED, detail);
            case PERMISSION_DENIED -> new ApiException(ApiError.FORBIDDEN, detail);
            // Everything else is transient from the client's point of view: never a 500 that hides a retry.
            default -> ApiException.retryLater(ApiError.UNAVAILABLE, "event collection is unavailable: " + detail, 5);
        };
    }
}
