package dev.flywheel.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady stream of events as a Segment library sends them: batches with their own message ids, each sent again
 * (the same ids) until the platform acknowledges it with 200, honouring Retry-After. Remembers every acknowledged id,
 * so a test can check that each was stored exactly once.
 */
final class SegmentLoad implements AutoCloseable {

    private static final int EVENTS_PER_BATCH = 10;
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String url;
    private final String authorization;
    private final String run;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong slowestMillis = new AtomicLong();
    private final Thread thread;

    SegmentLoad(String gatewayUrl, String writeKey, String run) {
        this.url = gatewayUrl + "/v1/batch";
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes());
        this.run = run;
        this.thread = new Thread(this::send, "segment-load");
        thread.setDaemon(true);
        thread.start();
    }

    private void send() {
        long batch = 0;
        while (running.get()) {
            String body = body(batch);
            boolean acked = false;
            while (!acked && running.get()) {
                long started = System.nanoTime();
                long retryAfter = 200;
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30)).header("Authorization", authorization)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    count(Integer.toString(response.statusCode()));
                    acked = response.statusCode() == 200;
                    retryAfter = response.headers().firstValue("Retry-After").map(s -> Long.parseLong(s) * 1000)
                            .map(ms -> Math.min(ms, 1000)).orElse(200L);
                } catch (Exception e) {
                    count(e.getClass().getSimpleName());
                }
                slowestMillis.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                if (acked) {
                    for (int i = 0; i < EVENTS_PER_BATCH; i++) {
                        acknowledged.add(messageId(batch, i));
                    }
                } else {
                    sleep(retryAfter);
                }
            }
            batch++;
            sleep(INTERVAL.toMillis());
        }
    }

    private String body(long batch) {
        StringBuilder body = new StringBuilder("{\"batch\": [");
        for (int i = 0; i < EVENTS_PER_BATCH; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\": \"track\", \"event\": \"Drill\", \"userId\": \"u")
                    .append((batch * EVENTS_PER_BATCH + i) % 100).append("\", \"messageId\": \"")
                    .append(messageId(batch, i)).append("\"}");
        }
        return body.append("]}").toString();
    }

    private String messageId(long batch, int i) {
        return run + "-" + batch + "-" + i;
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Responses by status code (and failures by exception), for the report. */
    Map<String, Long> outcomes() {
        Map<String, Long> sorted = new TreeMap<>();
        outcomes.forEach((k, v) -> sorted.put(k, v.get()));
        return sorted;
    }

    long slowestMillis() {
        return slowestMillis.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(35_000);
    }
}
