package dev.flywheel.gateway.ingest.client;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.UnsafeByteOperations;

import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.GrpcProblems;
import dev.flywheel.gateway.upstream.ServiceCalls;
import dev.flywheel.proto.events.v1.IngestResponse;
import dev.flywheel.proto.events.v1.IngestSegmentRequest;
import dev.flywheel.proto.events.v1.MutinyIngestServiceGrpc.MutinyIngestServiceStub;
import dev.flywheel.service.grpc.ProtoValues;
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
                .onFailure().transform(failure -> GrpcProblems.toApiException(failure, "event collection",
                        ApiError.MALFORMED_REQUEST));
    }
}
