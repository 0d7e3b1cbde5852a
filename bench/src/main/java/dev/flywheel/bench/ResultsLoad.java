package dev.flywheel.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

import dev.flywheel.proto.analytics.v1.ExperimentResultsServiceGrpc;
import dev.flywheel.proto.analytics.v1.GetExperimentResultsRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/**
 * The experiment-results benchmark's two parts, run by bench/experiment-results.sh:
 * <ul>
 * <li>{@code metrics}: the ten metric definitions the seeded statistics belong to, through the gateway;</li>
 * <li>{@code results}: latency of an experiment's results (all ten metrics) through the gateway, with the default
 * options and with the sequential test, Benjamini-Hochberg and a proper prior.</li>
 * </ul>
 */
public final class ResultsLoad {

    /** Key, type and extra fields of each metric; the seeding SQL gives their units matching values. */
    static final List<String> METRICS = List.of(
            "bench-m0|conversion|", "bench-m1|conversion|\"windowSeconds\": 86400,",
            "bench-m2|retention|\"windowStartSeconds\": 604800, \"windowSeconds\": 604800,",
            "bench-m3|count|\"cupedDays\": 14,", "bench-m4|count|\"inverse\": true, \"guardrail\": true,",
            "bench-m5|sum|\"property\": \"amount\",",
            "bench-m6|sum|\"property\": \"amount\", \"winsorizePercentile\": 0.99,",
            "bench-m7|mean|\"property\": \"amount\",",
            "bench-m8|ratio|\"denominatorEvents\": {\"event\": \"Bench Visit\"},",
            "bench-m9|conversion|\"guardrail\": true,");

    private ResultsLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = options.get("gateway") + "/api/v1/projects/" + options.get("project");
        String key = options.get("key");
        switch (args[0]) {
            case "metrics" -> {
                for (String metric : METRICS) {
                    String[] parts = metric.split("\\|", -1);
                    String body = "{\"name\": \"" + parts[0] + "\", \"type\": \"" + parts[1] + "\", " + parts[2]
                            + " \"events\": {\"event\": \"Bench Purchase\"}}";
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base
                            + "/experiment-metrics/" + parts[0])).header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(parts[0] + ": " + response.statusCode() + " "
                                + response.body());
                    }
                }
                System.out.println("10 metrics defined");
            }
            case "results" -> {
                String path = base + "/environments/" + options.get("environment") + "/experiments/"
                        + options.get("experiment") + "/results";
                int runs = Integer.parseInt(options.getOrDefault("runs", "500"));
                measure(http, key, path, null, runs, "defaults (fixed horizon, Holm, flat prior)");
                if (options.containsKey("grpc")) {
                    measureGrpc(URI.create(options.get("grpc")), key, options.get("environment"),
                            options.get("experiment"), runs);
                }
                measure(http, key, path, "{\"sequential\": true, \"correction\": \"benjamini_hochberg\","
                        + " \"prior\": {\"mean\": 0, \"variance\": 0.09}, \"targetEffect\": 0.02}", runs,
                        "sequential, Benjamini-Hochberg, proper prior, power at 2%");
            }
            default -> throw new IllegalArgumentException("metrics or results");
        }
    }

    private static void measure(HttpClient http, String key, String path, String body, int runs, String label)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path)).header("Authorization", "Bearer "
                + key);
        HttpRequest call = body == null
                ? request.GET().build()
                : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
        String sample = null;
        for (int i = 0; i < 50; i++) {
            sample = send(http, call);
        }
        Histogram latency = new Histogram(3);
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            send(http, call);
            latency.recordValue((System.nanoTime() - start) / 1000);
        }
        System.out.printf("%s: %d calls, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, %d bytes%n", label, runs,
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(90) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0, sample.length());
        if (System.getenv("RESULTS_SAMPLE") != null) {
            System.out.println(sample);
        }
    }

    /** The same call straight to the metrics-aggregator over gRPC: the results' own cost, without the gateway. */
    private static void measureGrpc(URI target, String key, String environment, String experiment, int runs) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(target.getHost(), target.getPort()).usePlaintext()
                .build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
            var stub = ExperimentResultsServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            GetExperimentResultsRequest request = GetExperimentResultsRequest.newBuilder().setEnvironment(environment)
                    .setExperimentKey(experiment).build();
            for (int i = 0; i < 50; i++) {
                stub.getExperimentResults(request);
            }
            Histogram latency = new Histogram(3);
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                stub.getExperimentResults(request);
                latency.recordValue((System.nanoTime() - start) / 1000);
            }
            System.out.printf("gRPC, straight to the aggregator, defaults: %d calls, p50 %.2f ms, p90 %.2f ms, "
                    + "p99 %.2f ms, max %.2f ms%n", runs, latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(90) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getMaxValue() / 1000.0);
        } finally {
            channel.shutdownNow();
        }
    }

    private static String send(HttpClient http, HttpRequest call) throws Exception {
        HttpResponse<String> response = http.send(call, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        return response.body();
    }
}
