package dev.flywheel.e2e;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.experiments.v1.AssignAllRequest;
import dev.flywheel.proto.experiments.v1.Assignment;
import dev.flywheel.proto.experiments.v1.ExperimentAssignmentServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/** Many users through AssignAll over gRPC, four calls at a time, as a backend would. */
final class AssignAllCalls {

    private AssignAllCalls() {
    }

    /** Each user's answers by experiment key, in the users' order. */
    static List<Map<String, Assignment>> assignAll(String serverKey, List<Map<String, Object>> users)
            throws Exception {
        URI grpc = Platform.serviceUri("ASSIGNMENT_GRPC");
        ManagedChannel channel = ManagedChannelBuilder.forAddress(grpc.getHost(), grpc.getPort()).usePlaintext()
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + serverKey);
            var stub = ExperimentAssignmentServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            List<Future<Map<String, Assignment>>> answers = new ArrayList<>();
            for (Map<String, Object> user : users) {
                answers.add(pool.submit(() -> {
                    Map<String, Assignment> byKey = new HashMap<>();
                    stub.withDeadlineAfter(10, TimeUnit.SECONDS).assignAll(AssignAllRequest.newBuilder()
                            .setAttributes(struct(user)).build()).getAssignmentsList()
                            .forEach(a -> byKey.put(a.getExperimentKey(), a));
                    return byKey;
                }));
            }
            List<Map<String, Assignment>> out = new ArrayList<>(users.size());
            for (Future<Map<String, Assignment>> answer : answers) {
                out.add(answer.get(5, TimeUnit.MINUTES));
            }
            return out;
        } finally {
            pool.shutdownNow();
            channel.shutdownNow();
        }
    }

    static Struct struct(Map<String, Object> user) {
        Struct.Builder struct = Struct.newBuilder();
        user.forEach((key, value) -> struct.putFields(key, value instanceof Number n
                ? Value.newBuilder().setNumberValue(n.doubleValue()).build()
                : Value.newBuilder().setStringValue(String.valueOf(value)).build()));
        return struct.build();
    }
}
