package dev.flywheel.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator: sends HTTP requests (GET, or --method/--body) at a fixed rate, whatever the server's
 * speed, and measures each
 * latency from the moment the request was due (so a stalled server is not hidden: no coordinated omission).
 *
 * <pre>
 * java -cp 'bench/target/flywheel-bench.jar:bench/target/lib/*' dev.flywheel.bench.FixedRateLoad \
 *     --url http://127.0.0.1:8080/api/v1/whoami --header 'Authorization: Bearer fw_...' \
 *     --rate 2000 --duration 30 --warmup 10
 * </pre>
 */
public final class FixedRateLoad {

    private FixedRateLoad() {
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        List<String> headers = new ArrayList<>();
        int rate = 1000;
        int durationSeconds = 30;
        int warmupSeconds = 5;
        String method = "GET";
        String body = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--header" -> headers.add(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--duration" -> durationSeconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmupSeconds = Integer.parseInt(args[++i]);
                case "--method" -> method = args[++i];
                case "--body" -> body = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (String header : headers) {
            int colon = header.indexOf(':');
            builder.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        HttpRequest request = builder.build();

        if (warmupSeconds > 0) {
            run(client, request, rate, warmupSeconds);
        }
        Result result = run(client, request, rate, durationSeconds);
        Histogram h = result.latencies;
        System.out.printf("url=%s rate=%d/s duration=%ds%n", url, rate, durationSeconds);
        System.out.printf("sent=%d ok=%d non2xx=%d errors=%d achieved=%.0f req/s%n", result.sent, result.ok.get(),
                result.non2xx.get(), result.errors.get(), result.ok.get() / (double) durationSeconds);
        System.out.printf("latency_us p50=%d p90=%d p99=%d p99.9=%d max=%d%n",
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    private record Result(long sent, AtomicLong ok, AtomicLong non2xx, AtomicLong errors, Histogram latencies) {
    }

    private static Result run(HttpClient client, HttpRequest request, int rate, int seconds)
            throws InterruptedException {
        ConcurrentHistogram latencies = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong inFlight = new AtomicLong();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.incrementAndGet();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                latencies.recordValue(Math.max(0, (System.nanoTime() - due) / 1000));
                if (failure != null) {
                    errors.incrementAndGet();
                } else if (response.statusCode() / 100 == 2) {
                    ok.incrementAndGet();
                } else {
                    non2xx.incrementAndGet();
                }
                inFlight.decrementAndGet();
            });
        }
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (inFlight.get() > 0 && System.nanoTime() < drainDeadline) {
            Thread.sleep(10);
        }
        return new Result(total, ok, non2xx, errors, latencies);
    }
}
