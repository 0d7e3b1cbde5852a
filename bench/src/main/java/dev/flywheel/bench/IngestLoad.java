package dev.flywheel.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.ConcurrentHistogram;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.proto.events.v1.IngestBatchRequest;
import dev.flywheel.proto.events.v1.IngestResponse;
import dev.flywheel.proto.events.v1.IngestServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

/**
 * Load for the ingest path, end to end (gateway -> collector -> Kafka acks=all). Every event has a fresh messageId
 * so dedupe never short-cuts the work. Modes:
 * <ul>
 * <li>{@code http --batch N --concurrency C}: closed loop, C requests in flight, N events per request (N=1 posts to
 * /v1/track, else /v1/batch); reports events/s and request latency.</li>
 * <li>{@code http --batch N --rate R}: open loop at R requests/s; latency from each request's due time.</li>
 * <li>{@code grpc --batch N --concurrency C}: C client streams straight to the collector, N events per message.</li>
 * </ul>
 */
public final class IngestLoad {

    private static final String PROPERTIES = "\"properties\":{\"plan\":\"pro\",\"revenue\":42.5,\"items\":3,"
            + "\"currency\":\"EUR\",\"path\":\"/checkout/confirm\"}";
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private IngestLoad() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String target = null;
        String key = null;
        int batch = 100;
        int concurrency = 0;
        int rate = 0;
        int seconds = 20;
        int warmup = 5;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--target" -> target = args[++i];
                case "--key" -> key = args[++i];
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--duration" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        switch (mode) {
            case "http" -> {
                Http http = new Http(target, key, batch);
                if (warmup > 0) {
                    http.closedLoop(Math.max(concurrency, 4), warmup);
                }
                Result result = rate > 0 ? http.openLoop(rate, seconds) : http.closedLoop(concurrency, seconds);
                result.print(
                        "http batch=" + batch + (rate > 0 ? " rate=" + rate + "/s" : " concurrency=" + concurrency),
                        seconds);
            }
            case "grpc" -> {
                Grpc grpc = new Grpc(target, key, batch);
                if (warmup > 0) {
                    grpc.streams(Math.max(concurrency, 1), warmup);
                }
                grpc.streams(concurrency, seconds).print("grpc stream batch=" + batch + " streams=" + concurrency,
                        seconds);
            }
            default -> throw new IllegalArgumentException("mode is http or grpc");
        }
        System.exit(0);
    }

    record Result(long events, long requests, long failures, ConcurrentHistogram latencyMicros) {
        void print(String label, int seconds) {
            System.out.printf("%s: %,.0f events/s, %,.0f requests/s, failures=%d%n", label,
                    events / (double) seconds, requests / (double) seconds, failures);
            if (latencyMicros.getTotalCount() > 0) {
                System.out.printf("  latency p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n",
                        latencyMicros.getValueAtPercentile(50) / 1000.0,
                        latencyMicros.getValueAtPercentile(90) / 1000.0,
                        latencyMicros.getValueAtPercentile(99) / 1000.0, latencyMicros.getMaxValue() / 1000.0);
            }
        }
    }

    static String eventJson(boolean typed, String counter) {
        long user = SEQUENCE.incrementAndGet() % 10_000;
        return "{" + (typed ? "\"type\":\"track\"," : "") + "\"event\":\"Order Completed\",\"userId\":\"user-"
                + user + "\",\"messageId\":\"" + RUN + "-" + counter + "\",\"timestamp\":\"2026-11-23T12:00:00Z\","
                + "\"context\":{\"library\":{\"name\":\"bench\",\"version\":\"1\"}}," + PROPERTIES + "}";
    }

    static final class Http {
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final URI uri;
        private final String authorization;
        private final int batch;

        Http(String gateway, String key, int batch) {
            this.uri = URI.create(gateway + (batch == 1 ? "/v1/track" : "/v1/batch"));
            this.authorization = "Basic "
                    + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
            this.batch = batch;
        }

        /**
         * Bodies are built once with fixed-width message-id counters and patched in place per request, so the load
         * generator spends its CPU on sending, not on writing JSON.
         */
        private final ThreadLocal<Template> templates = ThreadLocal.withInitial(this::template);

        private record Template(byte[] body, int[] counterOffsets) {
        }

        private static final String COUNTER_PLACEHOLDER = "000000000000";

        private Template template() {
            StringBuilder json = new StringBuilder();
            if (batch == 1) {
                json.append(eventJson(false, COUNTER_PLACEHOLDER));
            } else {
                json.append("{\"batch\":[");
                for (int i = 0; i < batch; i++) {
                    json.append(i == 0 ? "" : ",").append(eventJson(true, COUNTER_PLACEHOLDER));
                }
                json.append("]}");
            }
            byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
            List<Integer> offsets = new ArrayList<>();
            byte[] marker = ("-" + COUNTER_PLACEHOLDER + "\"").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i + marker.length <= body.length; i++) {
                if (java.util.Arrays.equals(body, i, i + marker.length, marker, 0, marker.length)) {
                    offsets.add(i + 1);
                }
            }
            return new Template(body, offsets.stream().mapToInt(Integer::intValue).toArray());
        }

        private HttpRequest request() {
            Template template = templates.get();
            byte[] body = template.body().clone();
            for (int offset : template.counterOffsets()) {
                long n = SEQUENCE.incrementAndGet();
                for (int d = COUNTER_PLACEHOLDER.length() - 1; d >= 0; d--, n /= 10) {
                    body[offset + d] = (byte) ('0' + (n % 10));
                }
            }
            return HttpRequest.newBuilder(uri).header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        }

        Result closedLoop(int concurrency, int seconds) throws Exception {
            ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
            AtomicLong events = new AtomicLong();
            AtomicLong requests = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                Thread worker = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        try {
                            HttpResponse<Void> response = client.send(request(),
                                    HttpResponse.BodyHandlers.discarding());
                            if (response.statusCode() == 200) {
                                events.addAndGet(batch);
                                requests.incrementAndGet();
                                latency.recordValue((System.nanoTime() - start) / 1000);
                            } else {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                });
                worker.start();
                workers.add(worker);
            }
            for (Thread worker : workers) {
                worker.join();
            }
            return new Result(events.get(), requests.get(), failures.get(), latency);
        }

        Result openLoop(int rate, int seconds) throws Exception {
            ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
            AtomicLong events = new AtomicLong();
            AtomicLong requests = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            long start = System.nanoTime();
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (long i = 0; i < (long) rate * seconds; i++) {
                long due = start + i * interval;
                HttpRequest request = request();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                        .whenComplete((response, failure) -> {
                            latency.recordValue(Math.max(0, (System.nanoTime() - due) / 1000));
                            if (failure == null && response.statusCode() == 200) {
                                events.addAndGet(batch);
                                requests.incrementAndGet();
                            } else {
                                failures.incrementAndGet();
                            }
                        }).handle((ignored, failure) -> null));
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            return new Result(events.get(), requests.get(), failures.get(), latency);
        }
    }

    static final class Grpc {
        private final ManagedChannel channel;
        private final IngestServiceGrpc.IngestServiceStub stub;
        private final int batch;

        Grpc(String target, String key, int batch) {
            URI uri = URI.create(target);
            this.channel = ManagedChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
            Metadata metadata = new Metadata();
            metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
            this.stub = IngestServiceGrpc.newStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
            this.batch = batch;
        }

        private IngestBatchRequest request() {
            IngestBatchRequest.Builder request = IngestBatchRequest.newBuilder();
            for (int i = 0; i < batch; i++) {
                long n = SEQUENCE.incrementAndGet();
                request.addEvents(Event.newBuilder().setType(EventType.EVENT_TYPE_TRACK).setName("Order Completed")
                        .setUserId("user-" + (n % 10_000)).setMessageId(RUN + "-g" + n));
            }
            return request.build();
        }

        Result streams(int concurrency, int seconds) throws Exception {
            ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
            AtomicLong events = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            List<CompletableFuture<IngestResponse>> answers = new ArrayList<>();
            List<Thread> senders = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long started = System.nanoTime();
            for (int s = 0; s < concurrency; s++) {
                CompletableFuture<IngestResponse> answer = new CompletableFuture<>();
                answers.add(answer);
                var stream = (io.grpc.stub.ClientCallStreamObserver<IngestBatchRequest>) stub
                        .withDeadlineAfter(seconds + 60L, TimeUnit.SECONDS)
                        .ingestStream(new StreamObserver<>() {
                            public void onNext(IngestResponse value) {
                                answer.complete(value);
                            }

                            public void onError(Throwable t) {
                                answer.completeExceptionally(t);
                            }

                            public void onCompleted() {
                            }
                        });
                Thread sender = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        // Respect flow control: wait while the transport buffers are full.
                        while (!stream.isReady() && System.nanoTime() < end) {
                            LockSupport.parkNanos(50_000);
                        }
                        stream.onNext(request());
                    }
                    stream.onCompleted();
                });
                sender.start();
                senders.add(sender);
            }
            for (Thread sender : senders) {
                sender.join();
            }
            for (CompletableFuture<IngestResponse> answer : answers) {
                try {
                    events.addAndGet(answer.get(120, TimeUnit.SECONDS).getAccepted());
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            }
            long elapsedMicros = (System.nanoTime() - started) / 1000;
            latency.recordValue(elapsedMicros);
            System.out.printf("  (all streams acknowledged after %.1f s)%n", elapsedMicros / 1e6);
            return new Result(events.get(), answers.size(), failures.get(), new ConcurrentHistogram(3));
        }
    }
}
