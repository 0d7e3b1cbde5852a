package dev.flywheel.e2e;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

/**
 * Every gRPC service of the platform and the ports that serve it, so tests can call every method on every port with
 * raw bytes: an empty message (valid for every request type), garbage, or a message of any size.
 */
final class GrpcSurface {

    /** The platform's ports that speak HTTP/2, by the name of their URL in demo.env. */
    static final List<String> PORTS = List.of("GATEWAY", "GATEWAY_INTERNAL", "EVENT_COLLECTOR", "FLAGD",
            "ASSIGNMENT_GRPC", "METRICS_AGGREGATOR", "FEEDBACK");

    static final List<ServiceDescriptor> SERVICES = List.of(
            dev.flywheel.proto.auth.v1.AuthServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.events.v1.IngestServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.flagd.evaluation.v1.ServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.flagd.evaluation.v2.ServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.flagd.sync.v1.FlagSyncServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.flags.v1.FlagAdminServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.flags.v1.FlagEvaluationServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.experiments.v1.ExperimentAssignmentServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.experiments.v1.ExperimentAdminServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.experiments.v1.ExperimentSyncServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.analytics.v1.AnalyticsQueryServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.analytics.v1.AnalyticsAdminServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.analytics.v1.ExperimentResultsServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.analytics.v1.ExperimentMetricsServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.feedback.v1.SurveyAdminServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.feedback.v1.SurveyServingServiceGrpc.getServiceDescriptor(),
            dev.flywheel.proto.feedback.v1.SurveyResultsServiceGrpc.getServiceDescriptor());

    /** Which port serves which service (ADR 0008); every other pair answers UNIMPLEMENTED or is not gRPC at all. */
    static final Map<String, Set<String>> SERVED = Map.of(
            "GATEWAY_INTERNAL", Set.of("flywheel.auth.v1.AuthService"),
            "EVENT_COLLECTOR", Set.of("flywheel.events.v1.IngestService"),
            "FLAGD",
            Set.of("flagd.evaluation.v1.Service", "flagd.evaluation.v2.Service", "flagd.sync.v1.FlagSyncService",
                    "flywheel.flags.v1.FlagAdminService", "flywheel.flags.v1.FlagEvaluationService"),
            "ASSIGNMENT_GRPC", Set.of("flywheel.experiments.v1.ExperimentAssignmentService",
                    "flywheel.experiments.v1.ExperimentAdminService", "flywheel.experiments.v1.ExperimentSyncService"),
            "METRICS_AGGREGATOR", Set.of("flywheel.analytics.v1.AnalyticsQueryService",
                    "flywheel.analytics.v1.AnalyticsAdminService", "flywheel.analytics.v1.ExperimentResultsService",
                    "flywheel.analytics.v1.ExperimentMetricsService"),
            "FEEDBACK", Set.of("flywheel.feedback.v1.SurveyAdminService",
                    "flywheel.feedback.v1.SurveyServingService", "flywheel.feedback.v1.SurveyResultsService"));

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private GrpcSurface() {
    }

    static URI address(String port) {
        return Platform.serviceUri(port);
    }

    static boolean serves(String port, ServiceDescriptor service) {
        return SERVED.getOrDefault(port, Set.of()).contains(service.getName());
    }

    /** Every method of every service, as raw-bytes descriptors of the same names and shapes. */
    static List<MethodDescriptor<byte[], byte[]>> methods(ServiceDescriptor service) {
        List<MethodDescriptor<byte[], byte[]>> raw = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : service.getMethods()) {
            raw.add(MethodDescriptor.<byte[], byte[]>newBuilder().setType(method.getType())
                    .setFullMethodName(method.getFullMethodName()).setRequestMarshaller(RAW)
                    .setResponseMarshaller(RAW).build());
        }
        return raw;
    }

    /** An answer: the status, and the first response message when there was one. */
    record Answer(Status status, byte[] first) {
        Status.Code code() {
            return status.getCode();
        }
    }

    /**
     * Calls a method with one request message (or, for a client stream, one message then the end), and waits for its
     * outcome; a server stream is read to its first message and then cancelled (a stream may never end by itself).
     */
    static Answer call(ManagedChannel channel, MethodDescriptor<byte[], byte[]> method, byte[] request, String key,
            long deadlineMillis) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
        io.grpc.Channel target = channel;
        if (key != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
            target = io.grpc.ClientInterceptors.intercept(channel,
                    MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        try {
            switch (method.getType()) {
                case UNARY -> {
                    return new Answer(Status.OK, ClientCalls.blockingUnaryCall(target, method, options, request));
                }
                case SERVER_STREAMING -> {
                    ClientCall<byte[], byte[]> call = target.newCall(method, options);
                    Iterator<byte[]> responses = ClientCalls.blockingServerStreamingCall(call, request);
                    byte[] first = responses.hasNext() ? responses.next() : null;
                    call.cancel("read the first message", null);
                    return new Answer(Status.OK, first);
                }
                default -> {
                    CompletableFuture<Answer> outcome = new CompletableFuture<>();
                    StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(
                            target.newCall(method, options), new StreamObserver<>() {
                                private byte[] first;

                                @Override
                                public void onNext(byte[] value) {
                                    first = first == null ? value : first;
                                }

                                @Override
                                public void onError(Throwable t) {
                                    outcome.complete(new Answer(Status.fromThrowable(t), first));
                                }

                                @Override
                                public void onCompleted() {
                                    outcome.complete(new Answer(Status.OK, first));
                                }
                            });
                    requests.onNext(request);
                    requests.onCompleted();
                    return outcome.get(deadlineMillis + 5_000, TimeUnit.MILLISECONDS);
                }
            }
        } catch (StatusRuntimeException e) {
            return new Answer(e.getStatus(), null);
        } catch (Exception e) {
            return new Answer(Status.fromThrowable(e), null);
        }
    }
}
