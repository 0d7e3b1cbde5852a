package dev.flywheel.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.ConcurrentHistogram;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.flagd.evaluation.v1.ResolveBooleanRequest;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveBooleanResponse;
import dev.flywheel.proto.flagd.evaluation.v1.ServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

/**
 * Open-loop load on flagd's ResolveBoolean (evaluation v1) at a fixed rate, latency measured from when each call was
 * due. Each call carries a different targeting key, so targeting and fractional flags really evaluate.
 *
 * <pre>
 * java -cp 'bench/target/flywheel-bench.jar:bench/target/lib/*' dev.flywheel.bench.FlagdLoad \
 *     --target 127.0.0.1:8082 --key fw_server_... --flag new-checkout --rate 5000 --duration 30 --warmup 10
 * </pre>
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
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--target" -> target = args[++i];
                case "--key" -> key = args[++i];
                case "--flag" -> flag = args[++i];
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--duration" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
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
        if (warmup > 0) {
            run(stub, flag, rate, warmup);
        }
        Outcome outcome = run(stub, flag, rate, seconds);
        ConcurrentHistogram h = outcome.latencies;
        System.out.printf("ResolveBoolean flag=%s rate=%d/s duration=%ds%n", flag, rate, seconds);
        System.out.printf("sent=%d ok=%d errors=%d achieved=%.0f req/s%n", outcome.sent, outcome.ok.get(),
                outcome.errors.get(), outcome.ok.get() / (double) seconds);
        System.out.printf("latency_us p50=%d p90=%d p99=%d p99.9=%d max=%d%n", h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                h.getMaxValue());
        channel.shutdownNow();
    }

    private record Outcome(long sent, AtomicLong ok, AtomicLong errors, ConcurrentHistogram latencies) {
    }

    private static Outcome run(ServiceGrpc.ServiceStub stub, String flag, int rate, int seconds)
            throws InterruptedException {
        ConcurrentHistogram latencies = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong inFlight = new AtomicLong();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Struct context = Struct.newBuilder()
                    .putFields("targetingKey", Value.newBuilder().setStringValue("user-" + (i % 100_000)).build())
                    .putFields("email", Value.newBuilder().setStringValue("user" + i + "@example.com").build())
                    .build();
            inFlight.incrementAndGet();
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).resolveBoolean(ResolveBooleanRequest.newBuilder()
                    .setFlagKey(flag).setContext(context).build(), new StreamObserver<ResolveBooleanResponse>() {
                        @Override
                        public void onNext(ResolveBooleanResponse value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            if (errors.get() == 0) {
                                System.err.println("first error: " + t);
                            }
                            latencies.recordValue(Math.max(0, (System.nanoTime() - due) / 1000));
                            errors.incrementAndGet();
                            inFlight.decrementAndGet();
                        }

                        @Override
                        public void onCompleted() {
                            latencies.recordValue(Math.max(0, (System.nanoTime() - due) / 1000));
                            ok.incrementAndGet();
                            inFlight.decrementAndGet();
                        }
                    });
        }
        long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (inFlight.get() > 0 && System.nanoTime() < drain) {
            Thread.sleep(10);
        }
        return new Outcome(total, ok, errors, latencies);
    }
}
