package dev.flywheel.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

        OpenLoop.Call call = (index, done) -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, failure) -> done.accept(failure != null
                        ? OpenLoop.Outcome.FAILED
                        : response.statusCode() / 100 == 2 ? OpenLoop.Outcome.OK : OpenLoop.Outcome.REJECTED));
        if (warmupSeconds > 0) {
            OpenLoop.run(rate, warmupSeconds, call);
        }
        OpenLoop.Result result = OpenLoop.run(rate, durationSeconds, call);
        System.out.printf("url=%s rate=%d/s duration=%ds%n", url, rate, durationSeconds);
        OpenLoop.print(result, durationSeconds, "non2xx");
    }
}
