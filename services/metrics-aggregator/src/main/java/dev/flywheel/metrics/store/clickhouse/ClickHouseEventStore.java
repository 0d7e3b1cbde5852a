package dev.flywheel.metrics.store.clickhouse;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import dev.flywheel.analytics.DateRange;
import dev.flywheel.analytics.FunnelEvent;
import dev.flywheel.analytics.Interval;
import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.Metric;
import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.EventStore;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The event store on ClickHouse (docs/adr/0013-clickhouse-event-store.md), with the PostgreSQL store's semantics.
 * Events are in ClickHouse; identity links and person traits stay in PostgreSQL, where the consumer keeps them
 * transactionally, and travel with each query as temporary tables, so a merge is visible at once and never
 * rewrites events. The heavy work runs in ClickHouse: counting, per-person day sets, first events, and funnel
 * timelines grouped per person (only people who entered the funnel), so the engines in libs/analytics see the same
 * data as from PostgreSQL.
 */
@ApplicationScoped
@Typed(ClickHouseEventStore.class)
public class ClickHouseEventStore implements EventStore {

    private static final String NONE = "\u0000none";
    /**
     * An id a client sent twice is stored twice until ClickHouse merges the parts (see ClickHouseEventWriter): counts
     * and sums read each id once. Day sets, people, first events and funnels do not change with a repeated event.
     */
    private static final String ONCE = " LIMIT 1 BY message_id";

    private final ClickHouseHttp http;
    private final Pool pool;

    public ClickHouseEventStore(ClickHouseHttp http, Pool pool) {
        this.http = http;
        this.pool = pool;
    }

    @Override
    public Uni<List<TrendRow>> trend(Scope scope, Metric metric, DateRange range, Interval interval,
            String breakdown, int maxBreakdownValues) {
        Instant from = range.startInstant();
        Instant until = range.endInstant();
        String zone = zone(range.zone());
        String aggregate = switch (metric.aggregation()) {
            case TOTAL -> "uniqExact(message_id)";
            case UNIQUE_USERS -> "uniqExact(person)";
            case SUM -> "sum(" + ClickHouseSql.number(metric.property()) + ")";
        };
        boolean traits = ClickHouseSql.needsTraits(List.of(metric.events()), breakdown);
        // the identity links (and traits) are read once and sent with both queries
        return tables(scope, traits).chain(tables -> topValues(tables, scope, metric, from, until, traits, breakdown,
                maxBreakdownValues).chain(values -> {
                    String text = ClickHouseSql.text(breakdown == null ? "$" : breakdown, NONE);
                    String group = breakdown == null
                            ? "''"
                            : "if(" + text + " = " + ClickHouseSql.literal(NONE) + ", '$none', " + (values.isEmpty()
                                    ? "'$other'"
                                    : "if(" + text + " IN (" + ClickHouseSql.literals(values) + "), " + text
                                            + ", '$other')")
                                    + ")";
                    List<TrendRow> rows = new ArrayList<>();
                    String matching = "(SELECT * FROM "
                            + events(scope, from, until, traits, ClickHouseSql.prefilter(List
                                    .of(metric.events())))
                            + " WHERE " + ClickHouseSql
                                    .match(metric.events())
                            + (metric.aggregation() == Metric.Aggregation.SUM ? ONCE : "") + ")";
                    return http.select("SELECT " + group + " AS breakdown, " + period(interval, zone) + " AS period,"
                            + " toFloat64(" + aggregate + ") FROM " + matching + " GROUP BY breakdown, period", tables,
                            row -> rows.add(new TrendRow(breakdown == null
                                    ? null
                                    : ClickHouseSql.unescape(row[0]), LocalDate.parse(row[1]),
                                    Double.parseDouble(row[2]))))
                            .replaceWith(rows);
                }));
    }

    /** A breakdown's most frequent values (none without a breakdown). */
    private Uni<List<String>> topValues(List<ClickHouseHttp.ExternalTable> tables, Scope scope, Metric metric,
            Instant from, Instant until, boolean traits, String breakdown, int maxBreakdownValues) {
        if (breakdown == null) {
            return Uni.createFrom().item(List.of());
        }
        List<String> values = new ArrayList<>();
        String text = ClickHouseSql.text(breakdown, NONE);
        return http.select("SELECT " + text + " AS b FROM " + events(scope, from, until, traits, ClickHouseSql
                .prefilter(List.of(metric.events()))) + " WHERE " + ClickHouseSql.match(metric.events()) + " AND b != "
                + ClickHouseSql.literal(NONE) + " GROUP BY b ORDER BY count() DESC, b LIMIT " + maxBreakdownValues,
                tables, row -> values.add(ClickHouseSql.unescape(row[0]))).replaceWith(values);
    }

    @Override
    public Uni<Map<String, int[]>> activeDays(Scope scope, EventMatch match, LocalDate from, LocalDate to,
            ZoneId zone) {
        boolean traits = ClickHouseSql.needsTraits(List.of(match), null);
        Map<String, int[]> days = new HashMap<>();
        return tables(scope, traits).chain(tables -> http.select("SELECT person, arraySort(groupUniqArray("
                + "toUInt16(toDate(ts, " + ClickHouseSql.literal(zone(zone)) + ")))) FROM " + events(scope, from
                        .atStartOfDay(zone).toInstant(), to.plusDays(1).atStartOfDay(zone).toInstant(), traits,
                        ClickHouseSql.prefilter(List.of(match)))
                + " WHERE " + ClickHouseSql.match(match) + " GROUP BY person", tables,
                row -> days.put(
                        ClickHouseSql.unescape(row[0]), java.util.Arrays.stream(ClickHouseSql.longs(row[1]))
                                .mapToInt(day -> (int) day).toArray())))
                .replaceWith(days);
    }

    @Override
    public Uni<List<FirstSeen>> firstSeen(Scope scope, Instant from, Instant until, String acquisitionProperty) {
        boolean traits = acquisitionProperty != null && ClickHouseSql.needsTraits(List.of(), acquisitionProperty);
        String source = acquisitionProperty == null ? "''" : ClickHouseSql.text(acquisitionProperty, NONE);
        List<FirstSeen> people = new ArrayList<>();
        return tables(scope, traits).chain(tables -> http.select("SELECT person, min(ts_ms) AS first, argMin("
                + source + ", (ts_ms, message_id)) FROM " + events(scope, Instant.EPOCH, until, traits,
                        ClickHouseSql.ACTIVITY)
                + " WHERE " + ClickHouseSql.ACTIVITY + " GROUP BY person"
                + (from == null ? "" : " HAVING first >= " + from.toEpochMilli()), tables, row -> {
                    String value = ClickHouseSql.unescape(row[2]);
                    people.add(new FirstSeen(ClickHouseSql.unescape(row[0]), Instant.ofEpochMilli(Long.parseLong(
                            row[1])), acquisitionProperty == null || value.equals(NONE) ? null : value));
                }))
                .replaceWith(people);
    }

    @Override
    public Uni<Map<String, Instant>> firstOccurrences(Scope scope, EventMatch match, Instant from, Instant until) {
        boolean traits = ClickHouseSql.needsTraits(List.of(match), null);
        Map<String, Instant> first = new HashMap<>();
        return tables(scope, traits).chain(tables -> http.select("SELECT person, min(ts_ms) FROM " + events(scope,
                from, until, traits, ClickHouseSql.prefilter(List.of(match))) + " WHERE " + ClickHouseSql.match(match)
                + " GROUP BY person", tables,
                row -> first.put(ClickHouseSql.unescape(row[0]), Instant.ofEpochMilli(Long.parseLong(row[1])))))
                .replaceWith(first);
    }

    @Override
    public Uni<Void> funnelTimelines(Scope scope, FunnelQuery query, Consumer<List<FunnelEvent>> person) {
        List<EventMatch> all = new ArrayList<>(query.steps());
        all.addAll(query.exclusions());
        boolean traits = ClickHouseSql.needsTraits(all, query.breakdown());
        String steps = bits(query.steps());
        String exclusions = bits(query.exclusions());
        String breakdown = query.breakdown() == null
                ? ""
                : ", groupArray(" + ClickHouseSql.text(query.breakdown(), NONE) + ")";
        // Strict order sees everything a person did between the steps.
        String rows = query.everyEvent() ? ClickHouseSql.ACTIVITY + " OR " + anyOf(all) : anyOf(all);
        // Only people who may have entered: a step in the start range (the first one, in strict order; any one, as
        // unordered funnels enter by any step).
        String entered = "countIf((" + (query.everyEvent()
                ? ClickHouseSql.match(query.steps().get(0))
                : anyOf(query.steps()))
                + ") AND ts_ms < " + query.startUntil().toEpochMilli() + ") > 0";
        return tables(scope, traits).chain(tables -> http.select("SELECT person, groupArray(ts_ms),"
                + " groupArray(toUInt32(" + steps + ")), " + (query.exclusions().isEmpty()
                        ? "[]"
                        : "groupArray(toUInt32(" + exclusions + "))")
                + breakdown
                + " FROM " + events(scope, query.startFrom(), query.until(), traits, query.everyEvent()
                        ? "(" + ClickHouseSql.ACTIVITY + " OR " + ClickHouseSql.prefilter(all) + ")"
                        : ClickHouseSql.prefilter(all))
                + " WHERE " + rows
                + " GROUP BY person HAVING " + entered, tables, row -> {
                    long[] times = ClickHouseSql.longs(row[1]);
                    long[] matched = ClickHouseSql.longs(row[2]);
                    long[] excluded = ClickHouseSql.longs(row[3]);
                    List<String> values = query.breakdown() == null ? null : ClickHouseSql.array(row[4]);
                    List<FunnelEvent> timeline = new ArrayList<>(times.length);
                    for (int i = 0; i < times.length; i++) {
                        String value = values == null ? NONE : values.get(i);
                        timeline.add(new FunnelEvent(times[i], (int) matched[i], excluded.length == 0
                                ? 0
                                : (int) excluded[i],
                                value.equals(
                                        NONE) ? null : value));
                    }
                    timeline.sort(Comparator.comparingLong(FunnelEvent::atMillis));
                    person.accept(timeline);
                }));
    }

    /** A bit per match, set on the events it matches: {@code 0 + if(m0, 1, 0) + if(m1, 2, 0) ...}. */
    private static String bits(List<EventMatch> matches) {
        StringBuilder bits = new StringBuilder("0");
        for (int i = 0; i < matches.size(); i++) {
            bits.append(" + if(").append(ClickHouseSql.match(matches.get(i))).append(", ").append(1 << i)
                    .append(", 0)");
        }
        return bits.toString();
    }

    private static String anyOf(List<EventMatch> matches) {
        return matches.stream().map(ClickHouseSql::match).collect(Collectors.joining(" OR ", "(", ")"));
    }

    @Override
    public Uni<Map<String, Map<LocalDate, Double>>> sums(Scope scope, EventMatch match, String property,
            DateRange range, Interval interval) {
        boolean traits = ClickHouseSql.needsTraits(List.of(match), property);
        Map<String, Map<LocalDate, Double>> sums = new HashMap<>();
        return tables(scope, traits).chain(tables -> http.select("SELECT person, " + period(interval, zone(range
                .zone())) + " AS period, toFloat64(sum(" + ClickHouseSql.number(property) + ")) FROM (SELECT * FROM "
                + events(scope, range.startInstant(), range.endInstant(), traits, ClickHouseSql.prefilter(List.of(
                        match)))
                + " WHERE " + ClickHouseSql.match(
                        match)
                + ONCE + ") GROUP BY person, period", tables,
                row -> sums.computeIfAbsent(
                        ClickHouseSql.unescape(row[0]), p -> new HashMap<>()).put(LocalDate.parse(row[1]),
                                Double
                                        .parseDouble(row[2]))))
                .replaceWith(sums);
    }

    /**
     * The scope's events in [from, until) that pass {@code prefilter} (about the event alone), with each one's person
     * (after identity links) as {@code person}, and the
     * person's flattened traits ({@code t_keys}, {@code t_values}, {@code t_kinds}) when asked for.
     */
    private static String events(Scope scope, Instant from, Instant until, boolean traits, String prefilter) {
        long fromMs = from.toEpochMilli();
        long untilMs = until.toEpochMilli();
        String events = "(SELECT *, if(person_id = '', distinct_id, person_id) AS person FROM events"
                + " ANY LEFT JOIN links USING distinct_id WHERE project_id = " + ClickHouseSql.literal(scope
                        .projectId())
                + " AND environment = " + ClickHouseSql.literal(scope.environment())
                // the month partitions and the sorting key both narrow the read
                + " AND ts >= toDateTime(" + Math.max(0, Math.floorDiv(fromMs, 1000)) + ") AND ts <= toDateTime("
                + Math.min(4_294_967_295L, Math.floorDiv(untilMs, 1000)) + ") AND ts_ms >= " + fromMs
                + " AND ts_ms < " + untilMs + " AND " + prefilter + ")";
        return traits ? "(SELECT * FROM " + events + " ANY LEFT JOIN traits USING person)" : events;
    }

    private static String period(Interval interval, String zone) {
        String day = "toDate(ts, " + ClickHouseSql.literal(zone) + ")";
        return switch (interval) {
            case DAY -> day;
            case WEEK -> "toMonday(" + day + ")";
            case MONTH -> "toStartOfMonth(" + day + ")";
        };
    }

    /** ClickHouse knows zones by their tz database names; Java calls UTC "Z". */
    static String zone(ZoneId zone) {
        ZoneId normalized = zone.normalized();
        if (normalized instanceof ZoneOffset offset) {
            int seconds = offset.getTotalSeconds();
            return seconds == 0 ? "UTC" : "Etc/GMT" + (seconds > 0 ? "-" : "+") + Math.abs(seconds / 3600);
        }
        return zone.getId();
    }

    /** The identity links (and, when asked for, person traits) of the scope, from PostgreSQL, as temporary tables. */
    private Uni<List<ClickHouseHttp.ExternalTable>> tables(Scope scope, boolean traits) {
        Tuple scoped = Tuple.of(scope.projectId(), scope.environment());
        Uni<ClickHouseHttp.ExternalTable> links = pool.preparedQuery("SELECT distinct_id, person_id FROM identity_link"
                + " WHERE project_id = $1 AND environment = $2").execute(scoped).map(rows -> {
                    Buffer tsv = Buffer.buffer();
                    for (Row row : rows) {
                        tsv.appendString(ClickHouseSql.tsv(row.getString(0))).appendString("\t")
                                .appendString(ClickHouseSql.tsv(row.getString(1))).appendString("\n");
                    }
                    return new ClickHouseHttp.ExternalTable("links", "distinct_id String, person_id String", tsv);
                });
        if (!traits) {
            return links.map(List::of);
        }
        Uni<ClickHouseHttp.ExternalTable> personTraits = pool.preparedQuery("SELECT distinct_id, traits::text"
                + " FROM person_traits WHERE project_id = $1 AND environment = $2").execute(scoped).map(rows -> {
                    Buffer tsv = Buffer.buffer();
                    for (Row row : rows) {
                        ClickHouseSql.Flat flat = new ClickHouseSql.Flat();
                        ClickHouseSql.flatten("traits", new JsonObject(row.getString(1)).getMap(), flat);
                        tsv.appendString(ClickHouseSql.tsv(row.getString(0))).appendString("\t")
                                .appendString(ClickHouseSql.arrayLiteral(flat.keys())).appendString("\t")
                                .appendString(ClickHouseSql.arrayLiteral(flat.values())).appendString("\t")
                                .appendString(flat.kinds().toString().replace(" ", "")).appendString("\n");
                    }
                    return new ClickHouseHttp.ExternalTable("traits", "person String, t_keys Array(String),"
                            + " t_values Array(String), t_kinds Array(UInt8)", tsv);
                });
        return Uni.combine().all().unis(links, personTraits).asTuple().map(both -> List.of(both.getItem1(), both
                .getItem2()));
    }
}
