package dev.flywheel.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.EventType;

/**
 * The analytics benchmark's three parts, run by bench/analytics-load.sh:
 * <ul>
 * <li>{@code produce}: synthetic product events (sessions of people over 8 weeks, a shop's funnel inside) into
 * Kafka, with deterministic message ids, so a rerun stores nothing twice;</li>
 * <li>{@code store}: the aggregator's store throughput, read from its Prometheus counter while it drains the
 * topic;</li>
 * <li>{@code queries}: latency of a 3-step funnel, 8-week retention, DAU, trends, paths, funnel correlation and
 * activation discovery over the data, through the gateway.</li>
 * </ul>
 */
public final class AnalyticsLoad {

    static final LocalDate FIRST_DAY = LocalDate.of(2026, 9, 7); // a Monday; 8 weeks follow
    static final int DAYS = 56;
    private static final String[] OTHER = {"Searched", "Scrolled", "Shared", "Settings Changed", "Viewed Help"};

    private AnalyticsLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        switch (args[0]) {
            case "produce" -> produce(options.get("kafka"), options.get("project"), options.get("environment"),
                    Long.parseLong(options.get("events")), Integer.parseInt(options.get("users")));
            case "store" -> store(options.get("metrics"), Long.parseLong(options.get("events")),
                    options.getOrDefault("counter", "flywheel_aggregator_events"));
            case "queries" -> queries(options.get("gateway"), options.get("key"), options.get("project"),
                    options.get("environment"), Integer.parseInt(options.getOrDefault("runs", "5")), options
                            .getOrDefault("only", ""));
            default -> throw new IllegalArgumentException("produce | store | queries");
        }
    }

    static void produce(String kafka, String project, String environment, long events, int users) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Scope scope = Scope.newBuilder().setProjectId(project).setEnvironment(environment).build();
        SplittableRandom random = new SplittableRandom(42);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long started = System.nanoTime();
        long sent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            while (sent < events) {
                // One session: a person, a day on or after the day they joined, a handful of events seconds apart.
                int user = random.nextInt(users);
                int joined = (int) ((long) user * DAYS / users);
                int day = joined + (int) Math.min(DAYS - 1 - joined, (long) (-Math.log(1 - random.nextDouble()) * 12));
                long at = FIRST_DAY.plusDays(day).atStartOfDay(ZoneOffset.UTC).toEpochSecond()
                        + random.nextInt(80_000);
                List<String[]> session = session(random);
                for (String[] step : session) {
                    if (sent == events) {
                        break;
                    }
                    Event event = event(scope, environment, sent, "user-" + user, step[0], at, step[1]);
                    producer.send(new ProducerRecord<>("flywheel.events.v1", project + "/user-" + user,
                            event.toByteArray()), (metadata, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                            });
                    sent++;
                    at += 5 + random.nextInt(120);
                }
                if (failure.get() != null) {
                    throw failure.get();
                }
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("produced %,d events for %,d people over %d days in %.1f s (%,.0f events/s)%n", sent, users,
                DAYS, seconds, sent / seconds);
    }

    /** A session: open the app, maybe browse, maybe buy, some other things. {name, amount or null}. */
    private static List<String[]> session(SplittableRandom random) {
        List<String[]> steps = new ArrayList<>();
        steps.add(new String[]{"App Opened", null});
        if (random.nextDouble() < 0.6) {
            steps.add(new String[]{"Viewed Product", null});
            if (random.nextDouble() < 0.35) {
                steps.add(new String[]{"Added to Cart", null});
                if (random.nextDouble() < 0.5) {
                    steps.add(new String[]{"Purchased", Integer.toString(5 + random.nextInt(200))});
                }
            }
        }
        int others = random.nextInt(6);
        for (int i = 0; i < others; i++) {
            steps.add(random.nextInt(steps.size()), new String[]{OTHER[random.nextInt(OTHER.length)], null});
        }
        return steps;
    }

    private static Event event(Scope scope, String environment, long n, String user, String name, long at,
            String amount) {
        Timestamp time = Timestamp.newBuilder().setSeconds(at).build();
        Struct.Builder properties = Struct.newBuilder().putFields("plan", Value.newBuilder()
                .setStringValue(n % 3 == 0 ? "pro" : "free").build());
        if (amount != null) {
            properties.putFields("amount", Value.newBuilder().setNumberValue(Integer.parseInt(amount)).build());
        }
        return Event.newBuilder().setEventId("bench-" + n).setMessageId("bench-" + environment + "-" + n)
                .setScope(scope).setType(EventType.EVENT_TYPE_TRACK).setName(name).setDistinctId(user)
                .setUserId(user).setProperties(properties).setTimestamp(time).setOriginalTimestamp(time)
                .setReceivedAt(time).setSource(EventSource.EVENT_SOURCE_GRPC).setLibrary("flywheel-bench").build();
    }

    /** Watches the aggregator drain the topic; the rate runs from its first stored event to the last. */
    static void store(String metrics, long events, String counter) throws Exception {
        // flywheel_aggregator_events (PostgreSQL) or flywheel_aggregator_clickhouse_events (ClickHouse)
        Pattern storedTotal = Pattern.compile("(?m)^" + counter + "_stored_total(?:\\{[^}]*})? ([0-9.eE+]+)$");
        Pattern duplicatesTotal = Pattern.compile("(?m)^" + counter + "_duplicates_total(?:\\{[^}]*})? ([0-9.eE+]+)$");
        HttpClient http = HttpClient.newHttpClient();
        long firstAt = 0;
        double first = 0;
        double done = 0;
        long lastChange = System.nanoTime();
        while (true) {
            String text = http.send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double stored = value(storedTotal, text) + value(duplicatesTotal, text);
            long now = System.nanoTime();
            if (stored > done) {
                lastChange = now;
            }
            if (firstAt == 0 && stored > 0) {
                firstAt = now;
                first = stored;
            }
            done = stored;
            if (done >= events || now - lastChange > Duration.ofSeconds(30).toNanos()) {
                break;
            }
            Thread.sleep(200);
        }
        double seconds = (lastChange - firstAt) / 1e9;
        System.out.printf("%s: stored %,.0f events (%,.0f of them duplicates) ; %,.0f events/s over %.1f s%n",
                counter, done,
                value(duplicatesTotal, http.send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                        HttpResponse.BodyHandlers.ofString()).body()),
                (done - first) / seconds, seconds);
    }

    private static double value(Pattern metric, String text) {
        Matcher m = metric.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** {@code only}: the queries whose name contains it (all when empty). */
    static void queries(String gateway, String key, String project, String environment, int runs, String only)
            throws Exception {
        String range = "{\"from\": \"%s\", \"to\": \"%s\"}".formatted(FIRST_DAY, FIRST_DAY.plusDays(DAYS - 1));
        Map<String, String[]> queries = new LinkedHashMap<>();
        queries.put("funnel, 3 steps, 1-day window", new String[]{"funnel", """
                {"steps": [{"event": "App Opened"}, {"event": "Viewed Product"}, {"event": "Purchased"}],
                 "windowSeconds": 86400, "range": %s}""".formatted(range)});
        queries.put("retention, 8 weeks", new String[]{"retention", """
                {"start": {"event": "App Opened"}, "return": {"event": "App Opened"}, "interval": "week",
                 "periods": 8, "range": %s}""".formatted(range)});
        queries.put("DAU/WAU/MAU, 56 days", new String[]{"active-users", "{\"range\": %s}".formatted(range)});
        queries.put("trend, unique buyers per day", new String[]{"trends", """
                {"metric": {"events": {"event": "Purchased"}, "aggregation": "unique_users"}, "range": %s}"""
                .formatted(range)});
        queries.put("trend, revenue by plan (raw events)", new String[]{"trends", """
                {"metric": {"events": {"event": "Purchased"}, "aggregation": "sum", "property": "amount"},
                 "breakdown": "plan", "interval": "week", "range": %s}""".formatted(range)});
        queries.put("paths, 5 steps from App Opened", new String[]{"paths", """
                {"start": "App Opened", "steps": 5, "range": %s}""".formatted(range)});
        queries.put("funnel correlation, 3 steps", new String[]{"funnel-correlation", """
                {"funnel": {"steps": [{"event": "App Opened"}, {"event": "Viewed Product"}, {"event": "Purchased"}],
                            "windowSeconds": 86400, "range": %s},
                 "options": {"eventProperties": ["plan"]}}""".formatted(range)});
        queries.put("activation discovery, 7 days", new String[]{"activation-discovery", """
                {"range": {"from": "%s", "to": "%s"}, "actionDays": 7, "minPeople": 100}"""
                .formatted(FIRST_DAY, FIRST_DAY.plusDays(DAYS - 15))});
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = gateway + "/api/v1/projects/" + project + "/environments/" + environment + "/analytics/";
        queries.keySet().removeIf(name -> !name.contains(only));
        for (Map.Entry<String, String[]> query : queries.entrySet()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + query.getValue()[0]))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.ofString(query.getValue()[1])).build();
            long[] millis = new long[runs];
            String answer = "";
            for (int run = -1; run < runs; run++) {
                long started = System.nanoTime();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(query.getKey() + ": " + response.statusCode() + " "
                            + response.body());
                }
                if (run >= 0) {
                    millis[run] = (System.nanoTime() - started) / 1_000_000;
                }
                answer = response.body();
            }
            Arrays.sort(millis);
            System.out.printf("%-38s median %,6d ms  min %,6d ms  max %,6d ms   %s%n", query.getKey(),
                    millis[runs / 2], millis[0], millis[runs - 1],
                    answer.length() > 90 ? answer.substring(0, 90) + "..." : answer);
        }
        System.out.println("at " + Instant.now());
    }
}
