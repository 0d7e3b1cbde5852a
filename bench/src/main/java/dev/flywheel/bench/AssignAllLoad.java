package dev.flywheel.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.experiments.v1.AssignAllRequest;
import dev.flywheel.proto.experiments.v1.ExperimentAssignmentServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

/**
 * Open-loop load on AssignAll at a fixed rate, latency measured from when each call was due. Users cycle through a
 * pool: after the first pass each call is the steady state (sticky buckets read, nothing new to write or expose);
 * a pool larger than rate x duration keeps every call a first assignment (sticky write and exposure).
 *
 * <pre>
 * bench/assignment-load.sh 1000 30   # creates and starts 20 experiments in the demo project, then runs this
 * </pre>
 */
public final class AssignAllLoad {

    private AssignAllLoad() {
    }

    public static void main(String[] args) throws Exception {
        String target = "127.0.0.1:9083";
        String key = null;
        int rate = 1000;
        int seconds = 30;
        int warmup = 10;
        int users = 10_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--target" -> target = args[++i];
                case "--key" -> key = args[++i];
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--duration" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--users" -> users = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        int colon = target.lastIndexOf(':');
        ManagedChannel channel = NettyChannelBuilder.forAddress(target.substring(0, colon),
                Integer.parseInt(target.substring(colon + 1))).usePlaintext().build();
        var stub = ExperimentAssignmentServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        String[] countries = {"NL", "BE", "US"};
        int pool = users;
        AtomicBoolean reported = new AtomicBoolean();
        OpenLoop.Call call = (index, done) -> {
            long user = index % pool;
            Struct attributes = Struct.newBuilder()
                    .putFields("id", Value.newBuilder().setStringValue("load-user-" + user).build())
                    .putFields("country", Value.newBuilder().setStringValue(countries[(int) (user % 3)]).build())
                    .build();
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).assignAll(
                    AssignAllRequest.newBuilder().setAttributes(attributes).build(),
                    OpenLoop.outcome(done, reported));
        };
        if (warmup > 0) {
            OpenLoop.run(rate, warmup, call);
        }
        OpenLoop.Result result = OpenLoop.run(rate, seconds, call);
        System.out.printf("AssignAll users=%d rate=%d/s duration=%ds%n", users, rate, seconds);
        OpenLoop.print(result, seconds, "rejected");
        channel.shutdownNow();
    }
}
