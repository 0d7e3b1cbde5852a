package dev.flywheel.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.flagd.evaluation.v1.ResolveBooleanRequest;
import dev.flywheel.proto.flagd.evaluation.v1.ServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

/**
 * Open-loop load on flagd's ResolveBoolean (evaluation v1) at a fixed rate, latency measured from when each call was
 * due. Each call carries a different targeting key, so targeting and fractional flags really evaluate.
 *
 * <pre>
 * java -cp 'bench/target/flywheel-bench.jar:bench/target/lib/*' dev.flywheel.bench.FlagdLoad \
 *     --target 127.0.0.1:8013 --key fw_server_... --flag new-checkout --rate 5000 --duration 30 --warmup 10
 * </pre>
 *
 * With {@code --concurrency N} it is a closed loop instead: N calls (HTTP/2 streams on one connection) always
 * outstanding, for the throughput the service sustains.
 */
public final class FlagdLoad {

    private FlagdLoad() {
    }

    public static void main(String[] args) throws Exception {
        String target = "127.0.0.1:8082";
        String key = null;
        String flag = "new-checkout";
        int rate = 5000;
        int seconds = 30;
        int warmup = 10;
        int concurrency = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--target" -> target = args[++i];
                case "--key" -> key = args[++i];
                case "--flag" -> flag = args[++i];
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--duration" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        int colon = target.lastIndexOf(':');
        ManagedChannel channel = NettyChannelBuilder.forAddress(target.substring(0, colon),
                Integer.parseInt(target.substring(colon + 1))).usePlaintext().build();
        ServiceGrpc.ServiceStub stub = ServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        String flagKey = flag;
        AtomicBoolean reported = new AtomicBoolean();
        OpenLoop.Call call = (index, done) -> {
            Struct context = Struct.newBuilder()
                    .putFields("targetingKey", Value.newBuilder().setStringValue("user-" + (index % 100_000)).build())
                    .putFields("email", Value.newBuilder().setStringValue("user" + index + "@example.com").build())
                    .build();
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).resolveBoolean(ResolveBooleanRequest.newBuilder()
                    .setFlagKey(flagKey).setContext(context).build(), OpenLoop.outcome(done, reported));
        };
        if (concurrency > 0) {
            if (warmup > 0) {
                OpenLoop.closed(concurrency, warmup, call);
            }
            OpenLoop.Result result = OpenLoop.closed(concurrency, seconds, call);
            System.out.printf("ResolveBoolean flag=%s closed loop, %d calls outstanding, duration=%ds%n", flag,
                    concurrency, seconds);
            OpenLoop.print(result, seconds, "rejected");
            channel.shutdownNow();
            return;
        }
        if (warmup > 0) {
            OpenLoop.run(rate, warmup, call);
        }
        OpenLoop.Result result = OpenLoop.run(rate, seconds, call);
        System.out.printf("ResolveBoolean flag=%s rate=%d/s duration=%ds%n", flag, rate, seconds);
        OpenLoop.print(result, seconds, "rejected");
        channel.shutdownNow();
    }
}
