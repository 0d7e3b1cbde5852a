package dev.flywheel.metrics.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import dev.flywheel.analytics.DateRange;
import dev.flywheel.analytics.FunnelEvent;
import dev.flywheel.analytics.Interval;
import dev.flywheel.analytics.PathEvent;
import dev.flywheel.metrics.config.AggregatorConfig;
import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.Metric;
import dev.flywheel.metrics.model.Scope;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The event store on PostgreSQL: rollups where they can answer (a metric without conditions), raw events
 * otherwise. Each query runs in a read-only transaction with a statement timeout, its rows streamed through a
 * cursor.
 */
@ApplicationScoped
@Typed(PostgresEventStore.class)
public class PostgresEventStore implements EventStore {

    private static final String EPOCH_DAY = " - DATE '1970-01-01'";
    /** Rows per cursor fetch. */
    private static final int FETCH_ROWS = 10_000;

    private final Pool pool;
    private final AggregatorConfig config;

    public PostgresEventStore(Pool pool, AggregatorConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Override
    public Uni<List<TrendRow>> trend(Scope scope, Metric metric, DateRange range, Interval interval,
            String breakdown, int maxBreakdownValues) {
        if (breakdown == null && metric.events().rollupCovers() && metric.aggregation() != Metric.Aggregation.SUM) {
            return rollupTrend(scope, metric, range, interval);
        }
        Uni<String[]> top = breakdown == null
                ? Uni.createFrom().item(new String[0])
                : topValues(scope, metric.events(), range, breakdown, maxBreakdownValues);
        return top.chain(values -> {
            EventSql sql = new EventSql();
            String where = eventRange(sql, scope, range.startInstant(), range.endInstant()) + " AND "
                    + sql.match(metric.events());
            String group = breakdown == null
                    ? "NULL::text"
                    : "CASE WHEN " + sql.text(breakdown)
                            + " IS NULL THEN '$none' WHEN " + sql.text(breakdown) + " = ANY(" + sql.param(values)
                            + "::text[]) THEN " + sql.text(breakdown) + " ELSE '$other' END";
            String aggregate = switch (metric.aggregation()) {
                case TOTAL -> "count(*)";
                case UNIQUE_USERS -> "count(DISTINCT " + EventSql.PERSON + ")";
                case SUM -> "COALESCE(sum(" + sql.number(metric.property()) + "), 0)";
            };
            String text = "SELECT " + group + ", date_trunc(" + sql.param(unit(interval)) + ", e.ts AT TIME ZONE "
                    + sql.param(range.zone().getId()) + ")::date, (" + aggregate + ")::float8 FROM event e"
                    + joins(metric.events(), breakdown) + " WHERE " + where + " GROUP BY 1, 2";
            return trendRows(text, sql.params());
        });
    }

    private Uni<List<TrendRow>> rollupTrend(Scope scope, Metric metric, DateRange range, Interval interval) {
        EventSql sql = new EventSql();
        boolean unique = metric.aggregation() == Metric.Aggregation.UNIQUE_USERS;
        boolean named = !metric.events().anyActivity();
        String table = named
                ? unique ? "activity_daily a" : "event_count_daily a"
                : unique ? "daily_active a" : "activity_daily a";
        String value = unique ? "count(DISTINCT COALESCE(l.person_id, a.distinct_id))" : "sum(a.events)";
        String text = "SELECT NULL::text, date_trunc(" + sql.param(unit(interval)) + ", a.day::timestamp)::date, ("
                + value + ")::float8 FROM " + table
                + (unique ? EventSql.linkJoin("a") : "")
                + " WHERE a.project_id = " + sql.param(scope.projectId()) + " AND a.environment = "
                + sql.param(scope.environment()) + " AND a.day BETWEEN " + sql.param(range.from()) + " AND "
                + sql.param(range.to()) + " AND "
                + (named ? "a.name = " + sql.param(metric.events().event()) : unique ? "true" : "a.active")
                + " GROUP BY 2";
        return trendRows(text, sql.params());
    }

    private Uni<String[]> topValues(Scope scope, EventMatch match, DateRange range, String breakdown, int limit) {
        EventSql sql = new EventSql();
        String text = "SELECT " + sql.text(breakdown) + " AS b FROM event e" + joins(match, breakdown) + " WHERE "
                + eventRange(sql, scope, range.startInstant(), range.endInstant()) + " AND " + sql.match(match)
                + " AND " + sql.text(breakdown) + " IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT "
                + sql.param(limit);
        List<String> values = new ArrayList<>();
        return stream(text, sql.params(), row -> values.add(row.getString(0)))
                .map(done -> values.toArray(String[]::new));
    }

    private Uni<List<TrendRow>> trendRows(String text, Object[] params) {
        List<TrendRow> out = new ArrayList<>();
        return stream(text, params, row -> out.add(new TrendRow(row.getString(0), row.getLocalDate(1),
                row.getDouble(2)))).map(done -> out);
    }

    @Override
    public Uni<Map<String, int[]>> activeDays(Scope scope, EventMatch match, LocalDate from, LocalDate to,
            ZoneId zone) {
        EventSql sql = new EventSql();
        String text;
        if (match.rollupCovers()) {
            text = "SELECT COALESCE(l.person_id, a.distinct_id), array_agg(DISTINCT a.day" + EPOCH_DAY + ")"
                    + (match.anyActivity() ? " FROM daily_active a" : " FROM activity_daily a")
                    + EventSql.linkJoin("a")
                    + " WHERE a.project_id = " + sql.param(scope.projectId()) + " AND a.environment = "
                    + sql.param(scope.environment()) + " AND a.day BETWEEN " + sql.param(from) + " AND "
                    + sql.param(to)
                    + (match.anyActivity() ? "" : " AND a.name = " + sql.param(match.event())) + " GROUP BY 1";
        } else {
            String day = "(e.ts AT TIME ZONE " + sql.param(zone.getId()) + ")::date";
            text = "SELECT " + EventSql.PERSON + ", array_agg(DISTINCT " + day + EPOCH_DAY + ") FROM event e"
                    + joins(match, null) + " WHERE "
                    + eventRange(sql, scope, from.atStartOfDay(zone).toInstant(),
                            to.plusDays(1).atStartOfDay(zone).toInstant())
                    + " AND " + sql.match(match) + " GROUP BY 1";
        }
        Map<String, int[]> days = new HashMap<>();
        return stream(text, sql.params(), row -> {
            Integer[] boxed = row.getArrayOfIntegers(1);
            int[] unboxed = new int[boxed.length];
            for (int i = 0; i < boxed.length; i++) {
                unboxed[i] = boxed[i];
            }
            days.put(row.getString(0), unboxed);
        }).map(done -> days);
    }

    @Override
    public Uni<List<FirstSeen>> firstSeen(Scope scope, Instant from, Instant until, String acquisitionProperty) {
        EventSql sql = new EventSql();
        String project = sql.param(scope.projectId());
        String environment = sql.param(scope.environment());
        String source = acquisitionProperty == null ? "NULL::text" : sql.text(acquisitionProperty);
        String text = "WITH p AS (SELECT DISTINCT ON (COALESCE(l.person_id, f.distinct_id))"
                + " COALESCE(l.person_id, f.distinct_id) AS person, f.first_at, f.name, f.message_id"
                + " FROM first_seen f" + EventSql.linkJoin("f")
                + " WHERE f.project_id = " + project + " AND f.environment = " + environment
                + " AND f.first_at < " + sql.param(utc(until))
                + " ORDER BY COALESCE(l.person_id, f.distinct_id), f.first_at, f.message_id)"
                + " SELECT p.person, p.first_at, " + source + " FROM p"
                + (acquisitionProperty == null
                        ? ""
                        : " LEFT JOIN event e ON e.project_id = " + project + " AND e.environment = " + environment
                                + " AND e.name = p.name AND e.ts = p.first_at AND e.message_id = p.message_id")
                + (from == null ? "" : " WHERE p.first_at >= " + sql.param(utc(from)));
        List<FirstSeen> out = new ArrayList<>();
        return stream(text, sql.params(), row -> out.add(new FirstSeen(row.getString(0),
                row.getOffsetDateTime(1).toInstant(), row.getString(2)))).map(done -> out);
    }

    @Override
    public Uni<List<PersonEvent>> personEvents(Scope scope, List<String> distinctIds, Instant from, Instant until,
            int limit) {
        String text = "SELECT name, type, ts FROM event WHERE project_id = $1 AND environment = $2"
                + " AND distinct_id = ANY($3) AND ts >= $4 AND ts < $5 ORDER BY ts DESC, message_id DESC LIMIT $6";
        List<PersonEvent> events = new ArrayList<>();
        return stream(text, new Object[]{scope.projectId(), scope.environment(), distinctIds.toArray(String[]::new),
                from.atOffset(ZoneOffset.UTC), until.atOffset(ZoneOffset.UTC), limit},
                row -> events.add(new PersonEvent(row.getString(0), StoredEvent.typeName(row.getShort(1)),
                        row.getOffsetDateTime(2).toInstant())))
                .map(done -> events);
    }

    @Override
    public Uni<Map<String, Instant>> firstOccurrences(Scope scope, EventMatch match, Instant from, Instant until) {
        EventSql sql = new EventSql();
        String text = "SELECT " + EventSql.PERSON + ", min(e.ts) FROM event e" + joins(match, null) + " WHERE "
                + eventRange(sql, scope, from, until) + " AND " + sql.match(match) + " GROUP BY 1";
        Map<String, Instant> first = new HashMap<>();
        return stream(text, sql.params(), row -> first.put(row.getString(0), row.getOffsetDateTime(1).toInstant()))
                .map(done -> first);
    }

    @Override
    public Uni<Void> funnelTimelines(Scope scope, FunnelQuery query, BiConsumer<String, List<FunnelEvent>> person) {
        EventSql sql = new EventSql();
        List<EventMatch> all = new ArrayList<>(query.steps());
        all.addAll(query.exclusions());
        boolean traits = all.stream().anyMatch(EventSql::needsPerson)
                || query.breakdown() != null && query.breakdown().startsWith(EventSql.PERSON_PREFIX);
        String joins = EventSql.LINK_JOIN + (traits ? EventSql.TRAITS_JOIN : "");
        StringBuilder steps = new StringBuilder("0");
        StringBuilder any = new StringBuilder("false");
        for (int i = 0; i < query.steps().size(); i++) {
            String match = sql.match(query.steps().get(i));
            steps.append(" + CASE WHEN ").append(match).append(" THEN ").append(1 << i).append(" ELSE 0 END");
            any.append(" OR ").append(match);
        }
        StringBuilder exclusions = new StringBuilder("0");
        for (int i = 0; i < query.exclusions().size(); i++) {
            String match = sql.match(query.exclusions().get(i));
            exclusions.append(" + CASE WHEN ").append(match).append(" THEN ").append(1 << i).append(" ELSE 0 END");
            any.append(" OR ").append(match);
        }
        String breakdown = query.breakdown() == null ? "NULL::text" : sql.text(query.breakdown());
        String where = eventRange(sql, scope, query.startFrom(), query.until());
        String text;
        if (query.everyEvent()) {
            // Strict order needs everything a person did, but only for people who entered the funnel.
            String starters = "SELECT DISTINCT " + EventSql.PERSON + " AS person FROM event e" + joins + " WHERE "
                    + eventRange(sql, scope, query.startFrom(), query.startUntil()) + " AND "
                    + sql.match(query.steps().get(0));
            text = "WITH starters AS (" + starters + ") SELECT " + EventSql.PERSON + ", e.ts, " + steps + ", "
                    + exclusions + ", " + breakdown + " FROM event e" + joins + " JOIN starters s ON s.person = "
                    + EventSql.PERSON + " WHERE " + where + " AND (" + EventSql.ACTIVITY + " OR " + any + ")"
                    + " ORDER BY 1, 2";
        } else {
            // Named steps also bound the index scan to their names (the ORed matches alone would be a filter).
            String names = all.stream().anyMatch(EventMatch::anyActivity)
                    ? ""
                    : " AND e.name = ANY(" + sql.param(all.stream().map(EventMatch::event).distinct()
                            .toArray(String[]::new)) + "::text[])";
            text = "SELECT " + EventSql.PERSON + ", e.ts, " + steps + ", " + exclusions + ", " + breakdown
                    + " FROM event e" + joins + " WHERE " + where + names + " AND (" + any + ") ORDER BY 1, 2";
        }
        Timelines<FunnelEvent> timelines = new Timelines<>(person,
                row -> new FunnelEvent(row.getOffsetDateTime(1).toInstant().toEpochMilli(), row.getInteger(2), row
                        .getInteger(3), row.getString(4)));
        return stream(text, sql.params(), timelines).invoke(timelines::finish);
    }

    @Override
    public Uni<Void> pathTimelines(Scope scope, PathQuery query, BiConsumer<String, List<PathEvent>> person) {
        EventSql sql = new EventSql();
        String label = query.kind() == PathKind.PAGES
                ? "COALESCE(" + sql.nonEmptyString("path") + ", " + sql.nonEmptyString("url") + ", e.name)"
                : "e.name";
        String which = switch (query.kind()) {
            case EVENTS -> EventSql.ACTIVITY;
            case PAGES -> "e.type = 3 AND e.source <> 4";
            case SCREENS -> "e.type = 4 AND e.source <> 4";
        };
        String text = "SELECT " + EventSql.PERSON + ", e.ts, " + label + " FROM event e" + EventSql.LINK_JOIN
                + " WHERE " + eventRange(sql, scope, query.from(), query.until()) + " AND " + which
                + " ORDER BY 1, 2";
        Timelines<PathEvent> timelines = new Timelines<>(person, row -> new PathEvent(row.getOffsetDateTime(1)
                .toInstant().toEpochMilli(), row.getString(2)));
        return stream(text, sql.params(), timelines).invoke(timelines::finish);
    }

    @Override
    public Uni<Void> candidateTimes(Scope scope, CandidateQuery query,
            BiConsumer<String, Map<String, long[]>> person) {
        EventSql sql = new EventSql();
        StringBuilder candidates = new StringBuilder("(" + sql.param(Candidates.SEPARATOR) + "::text || e.name)");
        for (String property : query.eventProperties()) {
            candidates.append(", (").append(sql.param(property + Candidates.SEPARATOR)).append("::text || ")
                    .append(sql.text(property)).append(")");
        }
        String earliest = query.timesKept() == 0
                ? "'{}'::int8[]"
                : "(array_agg(at ORDER BY at))[1:" + query.timesKept() + "]";
        String text = "SELECT person, candidate, " + earliest + " FROM"
                + " (SELECT " + EventSql.PERSON + " AS person, c.candidate, (extract(epoch FROM e.ts) * 1000)::int8"
                + " AS at FROM event e" + EventSql.LINK_JOIN + " CROSS JOIN LATERAL (VALUES "
                + candidates + ") c(candidate) WHERE "
                + eventRange(sql, scope, query.from(), query.until()) + " AND " + EventSql.ACTIVITY + ") x"
                + " WHERE candidate IS NOT NULL GROUP BY 1, 2 ORDER BY 1";
        Timelines<Map.Entry<String, long[]>> timelines = new Timelines<>((who, rows) -> {
            Map<String, long[]> times = new HashMap<>(rows.size() * 2);
            rows.forEach(row -> times.put(row.getKey(), row.getValue()));
            person.accept(who, times);
        }, row -> Map.entry(row.getString(1), Arrays.stream(row.getArrayOfLongs(2)).mapToLong(Long::longValue)
                .toArray()));
        return stream(text, sql.params(), timelines).invoke(timelines::finish);
    }

    /**
     * Groups rows ordered by person (the first column) into timelines, each handed over with the person when the next
     * person's first row arrives.
     */
    private static final class Timelines<E> implements Consumer<Row> {
        private final BiConsumer<String, List<E>> person;
        private final java.util.function.Function<Row, E> event;
        private String current;
        private List<E> timeline = new ArrayList<>();

        Timelines(BiConsumer<String, List<E>> person, java.util.function.Function<Row, E> event) {
            this.person = person;
            this.event = event;
        }

        @Override
        public void accept(Row row) {
            String who = row.getString(0);
            if (!who.equals(current)) {
                finish();
                current = who;
            }
            timeline.add(event.apply(row));
        }

        void finish() {
            if (!timeline.isEmpty()) {
                person.accept(current, timeline);
                timeline = new ArrayList<>();
            }
        }
    }

    @Override
    public Uni<Map<String, Map<LocalDate, Double>>> sums(Scope scope, EventMatch match, String property,
            DateRange range, Interval interval) {
        EventSql sql = new EventSql();
        String text = "SELECT " + EventSql.PERSON + ", date_trunc(" + sql.param(unit(interval))
                + ", e.ts AT TIME ZONE " + sql.param(range.zone().getId()) + ")::date, COALESCE(sum("
                + sql.number(property) + "), 0)::float8 FROM event e" + joins(match, null) + " WHERE "
                + eventRange(sql, scope, range.startInstant(), range.endInstant()) + " AND " + sql.match(match)
                + " GROUP BY 1, 2";
        Map<String, Map<LocalDate, Double>> sums = new HashMap<>();
        return stream(text, sql.params(), row -> sums.computeIfAbsent(row.getString(0), p -> new HashMap<>())
                .put(row.getLocalDate(1), row.getDouble(2))).map(done -> sums);
    }

    private static String joins(EventMatch match, String breakdown) {
        boolean person = EventSql.needsPerson(match)
                || breakdown != null && breakdown.startsWith(EventSql.PERSON_PREFIX);
        return EventSql.LINK_JOIN + (person ? EventSql.TRAITS_JOIN : "");
    }

    private static String eventRange(EventSql sql, Scope scope, Instant from, Instant until) {
        return "e.project_id = " + sql.param(scope.projectId()) + " AND e.environment = "
                + sql.param(scope.environment()) + " AND e.ts >= " + sql.param(utc(from)) + " AND e.ts < "
                + sql.param(utc(until));
    }

    private static String unit(Interval interval) {
        return interval.name().toLowerCase(Locale.ROOT);
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    /**
     * Runs a read-only query in a transaction with a statement timeout and hands every row to {@code each} on a
     * worker thread, fetched through a cursor: memory holds one fetch, not the whole answer, and the event loop
     * never runs the per-row work.
     */
    private Uni<Void> stream(String sql, Object[] params, Consumer<Row> each) {
        long timeout = config.queries().timeout().toMillis();
        return pool.withTransaction(connection -> connection
                .query("SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = " + timeout).execute()
                .chain(() -> connection.prepare(sql))
                .chain(statement -> statement.createStream(FETCH_ROWS, Tuple.from(params)).toMulti()
                        .emitOn(Infrastructure.getDefaultWorkerPool())
                        .onItem().invoke(each)
                        .collect().last()
                        .replaceWithVoid()));
    }
}
