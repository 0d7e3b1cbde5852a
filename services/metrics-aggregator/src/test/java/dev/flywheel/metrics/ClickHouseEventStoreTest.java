package dev.flywheel.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.flywheel.analytics.DateRange;
import dev.flywheel.analytics.FunnelEvent;
import dev.flywheel.analytics.Interval;
import dev.flywheel.metrics.config.AggregatorConfig;
import dev.flywheel.metrics.messaging.EventConsumer;
import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.Metric;
import dev.flywheel.metrics.model.PropertyCondition;
import dev.flywheel.metrics.model.PropertyCondition.Operator;
import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.EventStore;
import dev.flywheel.metrics.store.PostgresEventStore;
import dev.flywheel.metrics.store.clickhouse.ClickHouseEventStore;
import dev.flywheel.metrics.store.clickhouse.ClickHouseEventWriter;
import dev.flywheel.metrics.store.clickhouse.ClickHouseHttp;
import dev.flywheel.metrics.store.clickhouse.ClickHouseSchema;
import dev.flywheel.metrics.store.clickhouse.ClickHouseSql;
import dev.flywheel.proto.analytics.v1.Aggregation;
import dev.flywheel.proto.analytics.v1.MetricDefinition;
import dev.flywheel.proto.analytics.v1.TrendsRequest;
import dev.flywheel.testsupport.ClickHouseServer;
import dev.flywheel.testsupport.EmbeddedKafka;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The ClickHouse store against the PostgreSQL one on the same events: every property operator on event, nested,
 * context and person properties, values that would break SQL, identity merges; then exactly-once under ids sent
 * twice and a replay of the whole topic; then an outage of ClickHouse (queries refused as unavailable, events kept
 * in Kafka and stored when it is back); and a two-shard cluster behind a Distributed table answering as one server.
 */
@QuarkusTest
@TestProfile(ClickHouseStoreProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClickHouseEventStoreTest {

    static final Instant T0 = Instant.parse("2026-04-06T09:00:00Z");
    static final String NOTE = "it's a \\ \"quoted\"\nline\twith a NUL and ' OR 1=1 --";

    @Inject
    Pool pool;
    @Inject
    PostgresEventStore postgres;
    @Inject
    ClickHouseEventStore clickHouse;
    @Inject
    ClickHouseHttp http;
    @Inject
    EventConsumer consumer;
    @Inject
    Vertx vertx;

    @Test
    @Order(1)
    void answersWhatPostgresAnswersForEveryKindOfProperty() throws Exception {
        String environment = "ch-props-" + UUID.randomUUID().toString().substring(0, 8);
        try (EventFeed feed = new EventFeed("project-a", environment)) {
            Map<String, Object> rich = new HashMap<>();
            rich.put("plan", "pro");
            rich.put("price", 12.5);
            rich.put("seats", 3);
            rich.put("flags", Map.of("beta", true, "tier", Map.of("name", "gold")));
            rich.put("note", NOTE.replace("with", "with\u0000")); // both stores drop the NUL
            rich.put("empty", null);
            rich.put("tags", List.of("a", "b"));
            Map<String, Object> context = Map.of("campaign", Map.of("source", "ads"));
            List<dev.flywheel.proto.events.v1.Event.Builder> events = new ArrayList<>(List.of(
                    feed.track("u1", "Viewed", T0, rich).setContext(dev.flywheel.service.grpc.ProtoValues.toStruct(
                            context)),
                    feed.track("u2", "Viewed", T0.plusSeconds(60), Map.of("plan", "free", "price", 3)),
                    feed.track("u3", "Viewed", T0.plusSeconds(120), Map.of()),
                    feed.anonymous("anon-9", "Viewed", T0.plusSeconds(130)),
                    feed.track("u1", "Bought", T0.plusSeconds(300), Map.of("amount", 20)),
                    feed.track("u2", "Bought", T0.plusSeconds(400), Map.of("amount", 5.5)),
                    feed.track("u3", "Bought", T0.plusSeconds(3 * 86_400), Map.of("amount", "not a number")),
                    feed.identify("anon-9", "u3", T0.plusSeconds(140), Map.of("email", "u3@example.com",
                            "company", Map.of("size", 40))),
                    // page calls, for paths by page: a path, a url alone, an empty path, neither
                    page(feed, "u1", "Home", T0.plusSeconds(10), Map.of("path", "/home", "url", "https://x/home")),
                    page(feed, "u1", "Pricing", T0.plusSeconds(20), Map.of("url", "https://x/pricing")),
                    page(feed, "anon-9", "Docs", T0.plusSeconds(30), Map.of("path", "", "url", "https://x/docs")),
                    page(feed, "u2", "Blog", T0.plusSeconds(40), Map.of())));
            // more than 64 names and values: candidates held span several 64-bit words
            for (int i = 0; i < 70; i++) {
                events.add(feed.track("u2", "Step " + i, T0.plusSeconds(500 + i), Map.of("plan", "v" + i)));
            }
            feed.send(events.toArray(dev.flywheel.proto.events.v1.Event.Builder[]::new));
            new StoreQueries(pool).awaitEvents(environment, events.size());
        }
        Scope scope = new Scope("project-a", environment);
        DateRange week = new DateRange(LocalDate.parse("2026-04-06"), LocalDate.parse("2026-04-12"), ZoneId.of(
                "Europe/Paris"));
        List<List<PropertyCondition>> conditions = List.of(List.of(),
                List.of(new PropertyCondition("plan", Operator.EQUALS, List.of("pro"))),
                List.of(new PropertyCondition("plan", Operator.NOT_EQUALS, List.of("pro"))),
                List.of(new PropertyCondition("note", Operator.CONTAINS, List.of("QUOTED"))),
                List.of(new PropertyCondition("note", Operator.EQUALS, List.of(NOTE))),
                List.of(new PropertyCondition("plan", Operator.EQUALS, List.of("x' OR 1=1 --"))),
                List.of(new PropertyCondition("price", Operator.GREATER_THAN, List.of("5"))),
                List.of(new PropertyCondition("price", Operator.LESS_THAN, List.of("5"))),
                List.of(new PropertyCondition("seats", Operator.EQUALS, List.of("3"))),
                List.of(new PropertyCondition("properties.flags.beta", Operator.EQUALS, List.of("true"))),
                List.of(new PropertyCondition("properties.flags.tier.name", Operator.EQUALS, List.of("gold"))),
                List.of(new PropertyCondition("context.campaign.source", Operator.EQUALS, List.of("ads"))),
                List.of(new PropertyCondition("empty", Operator.IS_SET, List.of())),
                List.of(new PropertyCondition("empty", Operator.IS_NOT_SET, List.of())),
                List.of(new PropertyCondition("flags", Operator.IS_SET, List.of())),
                List.of(new PropertyCondition("person.email", Operator.CONTAINS, List.of("@example"))),
                List.of(new PropertyCondition("person.company.size", Operator.GREATER_THAN, List.of("10"))),
                List.of(new PropertyCondition("person.email", Operator.IS_NOT_SET, List.of())));
        for (List<PropertyCondition> where : conditions) {
            EventMatch viewed = new EventMatch("Viewed", where);
            for (Metric.Aggregation aggregation : Metric.Aggregation.values()) {
                Metric metric = new Metric("m", viewed, aggregation, "price");
                assertEquals(sorted(await(postgres.trend(scope, metric, week, Interval.DAY, null, 25))),
                        sorted(await(clickHouse.trend(scope, metric, week, Interval.DAY, null, 25))),
                        aggregation + " where " + where);
            }
            assertEquals(await(postgres.activeDays(scope, viewed, week.from(), week.to(), week.zone())).keySet(),
                    await(clickHouse.activeDays(scope, viewed, week.from(), week.to(), week.zone())).keySet(),
                    "active days where " + where);
        }
        for (String breakdown : List.of("plan", "note", "person.email", "context.campaign.source", "price")) {
            Metric views = new Metric("m", EventMatch.named("Viewed"), Metric.Aggregation.TOTAL, null);
            assertEquals(sorted(await(postgres.trend(scope, views, week, Interval.WEEK, breakdown, 2))),
                    sorted(await(clickHouse.trend(scope, views, week, Interval.WEEK, breakdown, 2))), breakdown);
        }
        EventMatch bought = EventMatch.named("Bought");
        assertEquals(await(postgres.sums(scope, bought, "amount", week, Interval.DAY)), await(clickHouse.sums(scope,
                bought, "amount", week, Interval.DAY)));
        assertEquals(await(postgres.firstOccurrences(scope, bought, week.startInstant(), week.endInstant())),
                await(clickHouse.firstOccurrences(scope, bought, week.startInstant(), week.endInstant())));
        assertEquals(sortedSeen(await(postgres.firstSeen(scope, null, week.endInstant(), "plan"))),
                sortedSeen(await(clickHouse.firstSeen(scope, null, week.endInstant(), "plan"))));
        EventStore.FunnelQuery funnel = new EventStore.FunnelQuery(List.of(EventMatch.named("Viewed"), bought),
                List.of(), week.startInstant(), week.endInstant(), week.endInstant(), true, "person.email");
        assertEquals(timelines(postgres, scope, funnel), timelines(clickHouse, scope, funnel));
        for (EventStore.PathKind kind : EventStore.PathKind.values()) {
            EventStore.PathQuery paths = new EventStore.PathQuery(kind, week.startInstant(), week.endInstant());
            assertEquals(pathTimelines(postgres, scope, paths), pathTimelines(clickHouse, scope, paths), kind.name());
        }
        // ClickHouse cuts each id's events to those after its first start: the paths are the same
        for (String start : java.util.Arrays.asList("Viewed", "Home", null)) {
            for (EventStore.PathKind kind : EventStore.PathKind.values()) {
                dev.flywheel.analytics.PathSpec spec = new dev.flywheel.analytics.PathSpec(4, start, null, week
                        .startInstant(), week.endInstant(), Duration.ofHours(1), 0, List.of(), java.util.Set.of());
                EventStore.PathQuery full = new EventStore.PathQuery(kind, week.startInstant().minus(Duration.ofHours(
                        1)), week.endInstant().plus(Duration.ofHours(1)));
                EventStore.PathQuery cut = new EventStore.PathQuery(kind, full.from(), full.until(),
                        new EventStore.StartCut(start, week.startInstant(), week.endInstant(), Duration.ofHours(1)
                                .toMillis()));
                assertEquals(paths(postgres, scope, full, spec), paths(clickHouse, scope, cut, spec), kind + " from "
                        + start);
                // one label sent as a number, the others as text
                assertEquals(paths(postgres, scope, full, spec), paths(new ClickHouseEventStore(http, pool, 0, 1),
                        scope, cut, spec), kind + " from " + start + ", labels as text");
            }
        }
        EventStore.CandidateQuery candidates = new EventStore.CandidateQuery(week.startInstant(), week.endInstant(),
                List.of("plan", "price", "context.campaign.source"), 2);
        Map<String, List<String>> expected = candidates(postgres, scope, candidates);
        assertTrue(expected.values().stream().flatMap(List::stream).anyMatch(c -> c.startsWith("plan|")), expected
                .toString());
        assertEquals(expected, candidates(clickHouse, scope, candidates));
        EventStore.CandidateQuery held = new EventStore.CandidateQuery(week.startInstant(), week.endInstant(),
                List.of("plan", "price"), 0);
        assertEquals(candidates(postgres, scope, held), candidates(clickHouse, scope, held), "held, without times");
        // ClickHouse sends each id's first minutes only (every event of u3, who has two ids): the same first minutes
        EventStore.CandidateQuery early = new EventStore.CandidateQuery(week.startInstant(), week.endInstant(), List
                .of(), 3, Duration.ofMinutes(3).toMillis());
        assertEquals(firstMinutes(postgres, scope, early), firstMinutes(clickHouse, scope, early));
        // without traits, people with several ids (u3 and anon-9) are merged in the aggregator, or in ClickHouse
        EventStore.FunnelQuery byPlan = new EventStore.FunnelQuery(List.of(EventMatch.named("Viewed"), bought),
                List.of(EventMatch.named("Refunded")), week.startInstant(), week.endInstant(), week.endInstant(),
                false, "plan");
        assertEquals(timelines(postgres, scope, byPlan), timelines(clickHouse, scope, byPlan));
        assertEquals(timelines(postgres, scope, byPlan), timelines(new ClickHouseEventStore(http, pool, 0, 1), scope,
                byPlan));
    }

    @Test
    @Order(2)
    void idsSentTwiceAndAReplayOfTheTopicAreCountedOnce() throws Exception {
        String environment = "ch-once-" + UUID.randomUUID().toString().substring(0, 8);
        List<dev.flywheel.proto.events.v1.Event.Builder> events;
        try (EventFeed feed = new EventFeed("project-a", environment)) {
            events = List.of(feed.track("u1", "Paid", T0, Map.of("amount", 10)),
                    feed.track("u2", "Paid", T0.plusSeconds(1), Map.of("amount", 5)),
                    feed.track("u2", "Paid", T0.plusSeconds(2), Map.of("amount", 1)));
            feed.send(events.toArray(dev.flywheel.proto.events.v1.Event.Builder[]::new));
            new StoreQueries(pool).awaitEvents(environment, 3);
            // a client's retry that passed the collector: the same ids again, as new records
            feed.send(events.toArray(dev.flywheel.proto.events.v1.Event.Builder[]::new));
        }
        awaitCaughtUp();
        assertEquals(6, rows(environment), "both copies stored until a merge");
        // and the whole topic read again: nothing inserted twice
        consumer.replayFromStart();
        Thread.sleep(1_000);
        awaitCaughtUp();
        assertEquals(6, rows(environment));
        Scope scope = new Scope("project-a", environment);
        DateRange day = new DateRange(LocalDate.parse("2026-04-06"), LocalDate.parse("2026-04-06"), ZoneId.of("UTC"));
        assertEquals(List.of(new EventStore.TrendRow(null, day.from(), 3.0)), await(clickHouse.trend(scope,
                new Metric("m", EventMatch.named("Paid"), Metric.Aggregation.TOTAL, null), day, Interval.DAY, null,
                25)));
        assertEquals(List.of(new EventStore.TrendRow(null, day.from(), 16.0)), await(clickHouse.trend(scope,
                new Metric("m", EventMatch.named("Paid"), Metric.Aggregation.SUM, "amount"), day, Interval.DAY, null,
                25)));
        assertEquals(Map.of("u1", Map.of(day.from(), 10.0), "u2", Map.of(day.from(), 6.0)), await(clickHouse.sums(
                scope, EventMatch.named("Paid"), "amount", day, Interval.DAY)));
    }

    @Test
    @Order(3)
    void aTwoShardClusterAnswersAsOneServer() throws Exception {
        // two servers; the first holds the Distributed table over both shards' tables
        ClickHouseServer second = ClickHouseServer.start("");
        ClickHouseServer first = ClickHouseServer.start(own -> "<two_shards><shard><replica><host>127.0.0.1</host>"
                + "<port>" + own + "</port></replica></shard><shard><replica><host>127.0.0.1</host><port>"
                + second.tcpPort() + "</port></replica></shard></two_shards>");
        try {
            relaysAnEarlierTable(new ClickHouseHttp(vertx, settings(second.url(), null)), settings(second.url(),
                    null));
            // the layout of docs/operations.md, without replication
            for (ClickHouseServer shard : List.of(first, second)) {
                ClickHouseHttp node = new ClickHouseHttp(vertx, settings(shard.url(), null));
                await(node.execute("CREATE DATABASE IF NOT EXISTS flywheel", false));
                await(node.execute("CREATE TABLE flywheel.events_local (" + ClickHouseSchema.COLUMNS
                        + ") ENGINE = ReplacingMergeTree()" + ClickHouseSchema.LAYOUT, false));
                await(node.execute("CREATE TABLE flywheel.activity_local (" + ClickHouseSchema.ACTIVITY_COLUMNS
                        + ") ENGINE = SummingMergeTree()" + ClickHouseSchema.ACTIVITY_LAYOUT, false));
                await(node.execute("CREATE MATERIALIZED VIEW flywheel.activity_writer TO flywheel.activity_local AS "
                        + ClickHouseSchema.activityOf("flywheel.events_local"), false));
            }
            ClickHouseHttp cluster = new ClickHouseHttp(vertx, settings(first.url(), "two_shards"));
            await(cluster.execute("CREATE TABLE flywheel.events (" + ClickHouseSchema.COLUMNS + ") ENGINE ="
                    + " Distributed(two_shards, flywheel, events_local, cityHash64(distinct_id))", false));
            await(cluster.execute("CREATE TABLE flywheel.activity (" + ClickHouseSchema.ACTIVITY_COLUMNS
                    + ") ENGINE = Distributed(two_shards, flywheel, activity_local, cityHash64(distinct_id))", false));
            ClickHouseEventWriter clusterWriter = new ClickHouseEventWriter(cluster, new ClickHouseSchema(cluster,
                    settings(first.url(), "two_shards")));
            ClickHouseEventStore clusterStore = new ClickHouseEventStore(cluster, pool);

            // the same events into the single server (through Kafka) and into the cluster (its writer)
            String environment = "ch-shards-" + UUID.randomUUID().toString().substring(0, 8);
            List<dev.flywheel.proto.events.v1.Event> events = new ArrayList<>();
            try (EventFeed feed = new EventFeed("project-a", environment)) {
                List<dev.flywheel.proto.events.v1.Event.Builder> sent = new ArrayList<>();
                for (int person = 0; person < 40; person++) {
                    Instant start = T0.plusSeconds(person * 3_600L);
                    sent.add(feed.track("p" + person, "Signed up", start, Map.of("plan", person % 3 == 0
                            ? "pro"
                            : "free")));
                    if (person % 2 == 0) {
                        sent.add(feed.track("p" + person, "Activated", start.plusSeconds(600), Map.of("n",
                                person)));
                    }
                    if (person % 4 == 0) {
                        sent.add(feed.track("p" + person, "Paid", start.plusSeconds(86_400), Map.of("amount",
                                person)));
                    }
                }
                sent.add(feed.identify("p1", "p2", T0.plusSeconds(7_300), Map.of("email", "p2@example.com")));
                feed.send(sent.toArray(dev.flywheel.proto.events.v1.Event.Builder[]::new));
                sent.forEach(e -> events.add(e.build()));
            }
            new StoreQueries(pool).awaitEvents(environment, events.size());
            int[] partitions = new int[events.size()];
            long[] offsets = new long[events.size()];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = i;
            }
            assertEquals(events.size(), await(clusterWriter.write(events, partitions, offsets)).stored());
            assertEquals(0, await(clusterWriter.write(events, partitions, offsets)).stored(), "written once");
            for (ClickHouseServer shard : List.of(first, second)) {
                long[] rows = new long[1];
                await(new ClickHouseHttp(vertx, settings(shard.url(), null)).select("SELECT count() FROM"
                        + " events_local", List.of(), row -> rows[0] = Long.parseLong(row[0])));
                assertTrue(rows[0] > 0 && rows[0] < events.size(), "each shard holds part: " + rows[0]);
            }

            Scope scope = new Scope("project-a", environment);
            DateRange range = new DateRange(LocalDate.parse("2026-04-06"), LocalDate.parse("2026-04-10"), ZoneId.of(
                    "America/New_York"));
            for (Metric.Aggregation aggregation : Metric.Aggregation.values()) {
                Metric metric = new Metric("m", EventMatch.named("Signed up"), aggregation, "n");
                assertEquals(sorted(await(clickHouse.trend(scope, metric, range, Interval.DAY, "plan", 25))),
                        sorted(await(clusterStore.trend(scope, metric, range, Interval.DAY, "plan", 25))));
            }
            EventStore.FunnelQuery funnel = new EventStore.FunnelQuery(List.of(EventMatch.named("Signed up"),
                    EventMatch.named("Activated"), EventMatch.named("Paid")), List.of(), range.startInstant(),
                    range.endInstant(), range.endInstant(), false, null);
            assertEquals(timelines(clickHouse, scope, funnel), timelines(clusterStore, scope, funnel));
            assertEquals(await(clickHouse.activeDays(scope, EventMatch.named(null), range.from(), range.to(),
                    range.zone())).keySet(), await(
                            clusterStore.activeDays(scope, EventMatch.named(null), range
                                    .from(), range.to(), range.zone()))
                            .keySet());
            assertEquals(sortedSeen(await(clickHouse.firstSeen(scope, null, range.endInstant(), "plan"))),
                    sortedSeen(await(clusterStore.firstSeen(scope, null, range.endInstant(), "plan"))));
            assertEquals(await(clickHouse.sums(scope, EventMatch.named("Paid"), "amount", range, Interval.WEEK)),
                    await(clusterStore.sums(scope, EventMatch.named("Paid"), "amount", range, Interval.WEEK)));
        } finally {
            first.stop();
            second.stop();
        }
    }

    /**
     * A table of the first layout (sorted by name) is copied into the current one at start, its activity made from
     * it; then the server is left empty for the cluster.
     */
    private void relaysAnEarlierTable(ClickHouseHttp node, AggregatorConfig.ClickHouse settings) {
        await(node.execute("CREATE DATABASE flywheel", false));
        await(node.execute("CREATE TABLE flywheel.events (" + ClickHouseSchema.COLUMNS + ") ENGINE ="
                + " ReplacingMergeTree() PARTITION BY toYYYYMM(ts) ORDER BY (project_id, environment, name, ts_ms,"
                + " message_id)", false));
        await(node.execute("INSERT INTO flywheel.events (project_id, environment, message_id, type, source, name,"
                + " distinct_id, ts, ts_ms) VALUES ('p', 'e', 'm1', 1, 2, 'Opened', 'u1', 1775466000, 1775466000000),"
                + " ('p', 'e', 'm2', 1, 2, 'Opened', 'u2', 1775469600, 1775469600123)", false));
        await(new ClickHouseSchema(node, settings).create());
        List<String> after = new ArrayList<>();
        await(node.select("SELECT name, sorting_key FROM system.tables WHERE database = 'flywheel' ORDER BY name",
                List.of(), row -> after.add(row[0] + ": " + row[1])));
        assertEquals(List.of("activity: project_id, environment, distinct_id, period",
                "activity_writer: ", "events: project_id, environment, name, distinct_id, ts_ms, message_id"), after);
        List<String> rows = new ArrayList<>();
        await(node.select("SELECT distinct_id, toUInt32(period) FROM flywheel.activity ORDER BY distinct_id",
                List.of(), row -> rows.add(row[0] + " " + row[1])));
        assertEquals(List.of("u1 1775466000", "u2 1775469600"), rows);
        await(node.execute("DROP DATABASE flywheel", false));
    }

    private static AggregatorConfig.ClickHouse settings(String url, String cluster) {
        return new AggregatorConfig.ClickHouse() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public String database() {
                return "flywheel";
            }

            @Override
            public String user() {
                return "default";
            }

            @Override
            public Optional<String> password() {
                return Optional.empty();
            }

            @Override
            public Optional<String> cluster() {
                return Optional.ofNullable(cluster);
            }

            @Override
            public String groupId() {
                return "unused";
            }

            @Override
            public int maxBatch() {
                return 20_000;
            }

            @Override
            public Duration queryTimeout() {
                return Duration.ofSeconds(30);
            }
        };
    }

    @Test
    @Order(4)
    void anOutageRefusesQueriesAndLosesNoEvent() throws Exception {
        String environment = "ch-outage-" + UUID.randomUUID().toString().substring(0, 8);
        ClickHouseServer server = ClickHouseServer.shared();
        AnalyticsGrpc grpc = new AnalyticsGrpc();
        TrendsRequest request = TrendsRequest.newBuilder().setEnvironment(environment)
                .setRange(AnalyticsGrpc.range("2026-04-06", "2026-04-06"))
                .setMetric(MetricDefinition.newBuilder().setAggregation(Aggregation.AGGREGATION_TOTAL)
                        .setEvents(AnalyticsGrpc.event("Paid")))
                .build();
        server.stop();
        try (EventFeed feed = new EventFeed("project-a", environment)) {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> grpc.queries(TestKeys.ADMIN_A).trends(request));
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
            feed.send(feed.track("u1", "Paid", T0, Map.of()), feed.track("u2", "Paid", T0, Map.of()));
            new StoreQueries(pool).number("SELECT 1"); // PostgreSQL still answers
            Thread.sleep(1_500); // the ClickHouse consumer fails and backs off meanwhile
        } finally {
            server.restart();
        }
        new StoreQueries(pool).awaitEvents(environment, 2);
        assertEquals(2.0, grpc.queries(TestKeys.ADMIN_A).trends(request).getSeries(0).getTotal());
        grpc.close();
    }

    private long rows(String environment) {
        long[] count = new long[1];
        http.select("SELECT count() FROM events WHERE environment = " + ClickHouseSql.literal(environment), List.of(),
                row -> count[0] = Long.parseLong(row[0])).await().atMost(Duration.ofSeconds(10));
        return count[0];
    }

    /** Waits until the ClickHouse consumer group has committed every partition's end offset. */
    private static void awaitCaughtUp() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                EmbeddedKafka.bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                        "flywheel-metrics-aggregator-clickhouse").partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                if (!committed.isEmpty() && committed.entrySet().stream().allMatch(e -> e.getValue() != null
                        && e.getValue().offset() >= ends.get(e.getKey()).offset())) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new AssertionError("the ClickHouse consumer did not catch up within 60 s");
        }
    }

    private static <T> T await(io.smallrye.mutiny.Uni<T> answer) {
        return answer.await().atMost(Duration.ofSeconds(30));
    }

    private static List<String> sorted(List<EventStore.TrendRow> rows) {
        return rows.stream().map(r -> r.breakdown() + "@" + r.period() + "=" + r.value()).sorted().toList();
    }

    private static List<String> sortedSeen(List<EventStore.FirstSeen> people) {
        return people.stream().map(p -> p.person() + "@" + p.at() + "=" + p.source()).sorted().toList();
    }

    private static dev.flywheel.proto.events.v1.Event.Builder page(EventFeed feed, String user, String name,
            Instant at, Map<String, Object> properties) {
        return (user.startsWith("anon-") ? feed.anonymous(user, name, at) : feed.track(user, name, at, Map.of()))
                .setType(dev.flywheel.proto.events.v1.EventType.EVENT_TYPE_PAGE).setProperties(
                        dev.flywheel.service.grpc.ProtoValues.toStruct(properties));
    }

    private static String paths(EventStore store, Scope scope, EventStore.PathQuery query,
            dev.flywheel.analytics.PathSpec spec) {
        dev.flywheel.analytics.PathCalculator calculator = new dev.flywheel.analytics.PathCalculator(spec);
        await(store.pathTimelines(scope, query, (person, events) -> calculator.addPerson(person, null, events)));
        return calculator.everybody().toString();
    }

    /** Per person, their path events as "time label", in time then label order. */
    private static Map<String, List<String>> pathTimelines(EventStore store, Scope scope,
            EventStore.PathQuery query) {
        Map<String, List<String>> byPerson = new java.util.TreeMap<>();
        await(store.pathTimelines(scope, query, (person, events) -> byPerson.put(person, events.stream()
                .sorted(java.util.Comparator.comparingLong(dev.flywheel.analytics.PathEvent::atMillis).thenComparing(
                        dev.flywheel.analytics.PathEvent::label))
                .map(e -> e.atMillis() + " " + e.label()).toList())));
        return byPerson;
    }

    private static Map<String, List<FunnelEvent>> timelines(EventStore store, Scope scope,
            EventStore.FunnelQuery query) {
        Map<String, List<FunnelEvent>> byPerson = new java.util.TreeMap<>();
        await(store.funnelTimelines(scope, query, byPerson::put));
        return byPerson;
    }

    /** Per person, their candidates' times within the query's early span of their first, as "candidate times…". */
    private static Map<String, List<String>> firstMinutes(EventStore store, Scope scope,
            EventStore.CandidateQuery query) {
        Map<String, List<String>> byPerson = new java.util.TreeMap<>();
        await(store.candidateTimes(scope, query, (person, times) -> {
            long first = times.values().stream().mapToLong(t -> t[0]).min().orElseThrow();
            byPerson.put(person, times.entrySet().stream().map(c -> c.getKey().replace(
                    dev.flywheel.metrics.store.Candidates.SEPARATOR, "|") + " "
                    + java.util.Arrays.toString(
                            java.util.Arrays.stream(c.getValue()).filter(t -> t < first + query.earlyMillis())
                                    .toArray()))
                    .filter(c -> !c.endsWith("[]")).sorted().toList());
        }));
        return byPerson;
    }

    /** Per person, their candidates as "candidate times…", sorted. */
    private static Map<String, List<String>> candidates(EventStore store, Scope scope,
            EventStore.CandidateQuery query) {
        Map<String, List<String>> byPerson = new java.util.TreeMap<>();
        await(store.candidateTimes(scope, query, (person, times) -> byPerson.put(person, times.entrySet().stream()
                .map(c -> c.getKey().replace(dev.flywheel.metrics.store.Candidates.SEPARATOR, "|") + " "
                        + java.util.Arrays.toString(c.getValue()))
                .sorted().toList())));
        return byPerson;
    }
}
