package dev.flywheel.metrics.store.clickhouse;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;

import dev.flywheel.analytics.DateRange;
import dev.flywheel.analytics.FunnelEvent;
import dev.flywheel.analytics.Interval;
import dev.flywheel.analytics.PathEvent;
import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.Metric;
import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.EventStore;
import dev.flywheel.metrics.store.StoredEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The event store on ClickHouse (docs/adr/0013-clickhouse-event-store.md), with the PostgreSQL store's semantics.
 * Events are in ClickHouse; identity links and person traits stay in PostgreSQL, where the consumer keeps them
 * transactionally, and are read with each query, so a merge is visible at once and never rewrites events. The
 * heavy work runs in ClickHouse: counting, day sets, first events and funnel timelines aggregated per distinct id
 * (in the table's sorting key, after the name); the few people with several ids are merged here, which costs far less
 * than joining
 * the links to every event there. Conditions on person traits need each event's person: those queries join links
 * and traits, sent as temporary tables, in ClickHouse. The engines in libs/analytics see the same data as from
 * PostgreSQL.
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
    /**
     * Funnel timelines of people with several ids are merged in the aggregator up to this many such people (their
     * rows wait in memory until all are in: ~8 bytes an event), in ClickHouse beyond (slower: it joins and copies
     * every id's arrays).
     */
    static final int MERGED_HERE_AT_MOST = 1_000_000;

    private final ClickHouseHttp http;
    private final ClickHouseIdentities identities;
    private final int mergedHereAtMost;
    private final int pathLabels;
    private final ClickHouseCandidates candidates;

    @Inject
    public ClickHouseEventStore(ClickHouseHttp http, Pool pool) {
        this(http, pool, MERGED_HERE_AT_MOST, MAX_PATH_LABELS);
    }

    /**
     * With other limits for merging people here and for path labels sent as numbers (the tests take every path).
     */
    public ClickHouseEventStore(ClickHouseHttp http, Pool pool, int mergedHereAtMost, int pathLabels) {
        this.http = http;
        this.identities = new ClickHouseIdentities(pool);
        this.mergedHereAtMost = mergedHereAtMost;
        this.pathLabels = pathLabels;
        this.candidates = new ClickHouseCandidates(http, identities);
    }

    @Override
    public Uni<List<TrendRow>> trend(Scope scope, Metric metric, DateRange range, Interval interval,
            String breakdown, int maxBreakdownValues) {
        Instant from = range.startInstant();
        Instant until = range.endInstant();
        String zone = zone(range.zone());
        boolean traits = ClickHouseSql.needsTraits(List.of(metric.events()), breakdown);
        boolean people = metric.aggregation() == Metric.Aggregation.UNIQUE_USERS;
        Read read = Read.of(List.of(metric.events()));
        // the identity links (and traits) are read once and sent with both queries
        return identities.tables(scope, people || traits, traits)
                .chain(tables -> topValues(tables, scope, metric, from, until,
                        traits, breakdown, maxBreakdownValues).chain(values -> {
                            String text = ClickHouseSql.text(breakdown == null ? "$" : breakdown, NONE);
                            String group = breakdown == null
                                    ? "''"
                                    : "if(" + text + " = " + ClickHouseSql.literal(NONE) + ", '$none', "
                                            + (values.isEmpty()
                                                    ? "'$other'"
                                                    : "if(" + text + " IN (" + ClickHouseSql.literals(values) + "), "
                                                            + text
                                                            + ", '$other')")
                                            + ")";
                            String keys = group + " AS breakdown, " + period(interval, zone) + " AS period";
                            String where = ClickHouseSql.match(metric.events());
                            String query = switch (metric.aggregation()) {
                                case TOTAL -> "SELECT " + keys + ", toFloat64(uniqExact(message_id)) FROM "
                                        + events(scope,
                                                from, until, traits, read)
                                        + " WHERE " + where + " GROUP BY breakdown, period";
                                case SUM ->
                                    "SELECT " + keys + ", toFloat64(sum(" + ClickHouseSql.number(metric.property())
                                            + ")) FROM (SELECT * FROM " + events(scope, from, until, traits, read)
                                            + " WHERE " + where + ONCE + ") GROUP BY breakdown, period";
                                // per id first, then its person: the links join one row per id, period and value
                                case UNIQUE_USERS -> traits
                                        ? "SELECT breakdown, period, toFloat64(uniqExact(who)) FROM ("
                                                + perKey(scope, from,
                                                        until, true, read, where, false, keys, "breakdown, period", "")
                                                + ") GROUP BY breakdown, period"
                                        : "SELECT breakdown, period, toFloat64(uniqExact(if(person_id = '', distinct_id,"
                                                + " person_id))) FROM (SELECT distinct_id, " + keys + " FROM "
                                                + read.from(scope, from, until) + " AND " + where
                                                + " GROUP BY distinct_id, breakdown, period) ANY LEFT JOIN links USING"
                                                + " distinct_id GROUP BY breakdown, period";
                            };
                            List<TrendRow> rows = new ArrayList<>();
                            return http.select(query, tables, row -> rows.add(new TrendRow(breakdown == null
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
        return http.select("SELECT " + text + " AS b FROM " + events(scope, from, until, traits, Read.of(List.of(
                metric.events()))) + " WHERE " + ClickHouseSql.match(metric.events()) + " AND b != "
                + ClickHouseSql.literal(NONE) + " GROUP BY b ORDER BY count() DESC, b LIMIT " + maxBreakdownValues,
                tables, row -> values.add(ClickHouseSql.unescape(row[0]))).replaceWith(values);
    }

    @Override
    public Uni<Map<String, int[]>> activeDays(Scope scope, EventMatch match, LocalDate from, LocalDate to,
            ZoneId zone) {
        boolean traits = ClickHouseSql.needsTraits(List.of(match), null);
        Instant start = from.atStartOfDay(zone).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
        String day = ClickHouseSql.literal(zone(zone));
        // any activity: the per-period table (ClickHouseSchema.ACTIVITY_COLUMNS), as every day starts on a period
        String query = match.anyActivity() && match.conditions().isEmpty()
                ? "SELECT distinct_id AS who, arraySort(groupUniqArray(toUInt16(toDate(period, " + day + "))))"
                        + " FROM activity WHERE " + owned(scope) + " AND period >= " + dateTime(start)
                        + " AND period < " + dateTime(end) + " GROUP BY who"
                : perKey(scope, start, end, traits, Read.of(List.of(match)), ClickHouseSql.match(
                        match), false, "", "", "arraySort(groupUniqArray(toUInt16(toDate(ts, " + day + "))))");
        Map<String, int[]> days = new HashMap<>();
        return identities.resolution(scope, traits)
                .chain(people -> http.rows(query, people.tables(), row -> days.merge(people
                        .person(row.text(0)), row.ints(1),
                        ClickHouseEventStore::union)))
                .replaceWith(days);
    }

    /** Two ascending sets of days as one. */
    private static int[] union(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            int next = j == b.length || i < a.length && a[i] <= b[j] ? a[i++] : b[j++];
            if (n == 0 || out[n - 1] != next) {
                out[n++] = next;
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public Uni<List<FirstSeen>> firstSeen(Scope scope, Instant from, Instant until, String acquisitionProperty) {
        boolean traits = acquisitionProperty != null && ClickHouseSql.needsTraits(List.of(), acquisitionProperty);
        String source = acquisitionProperty == null ? "''" : ClickHouseSql.text(acquisitionProperty, NONE);
        record First(long at, String message, String source) {
        }
        Map<String, First> first = new HashMap<>();
        // a person's first event is the earliest of their ids' first events (ties: the smallest message id)
        return identities
                .resolution(scope, traits).chain(people -> http.rows(perKey(scope, Instant.EPOCH, until, traits,
                        Read.ACTIVITY, ClickHouseSql.ACTIVITY, false, "", "", "min(ts_ms), argMin(message_id,"
                                + " (ts_ms, message_id)), argMin(" + source + ", (ts_ms, message_id))"),
                        people.tables(),
                        row -> first.merge(people.person(row.text(0)), new First(Long.parseLong(row.raw(1)),
                                row.text(2), row.text(3)),
                                (a, b) -> a.at() < b.at() || a.at() == b.at() && a.message()
                                        .compareTo(b.message()) <= 0 ? a : b)))
                .map(done -> {
                    List<FirstSeen> seen = new ArrayList<>();
                    first.forEach((person, event) -> {
                        if (from == null || event.at() >= from.toEpochMilli()) {
                            seen.add(new FirstSeen(person, Instant.ofEpochMilli(event.at()),
                                    acquisitionProperty == null || event.source().equals(NONE)
                                            ? null
                                            : event.source()));
                        }
                    });
                    return seen;
                });
    }

    @Override
    public Uni<List<PersonEvent>> personEvents(Scope scope, List<String> distinctIds, Instant from, Instant until,
            int limit) {
        // every name: the sorting key narrows by scope only, the month partitions by the range
        List<PersonEvent> events = new ArrayList<>();
        return http.rows("SELECT name, type, ts_ms FROM events WHERE " + inScope(scope, from, until)
                + " AND distinct_id IN (" + ClickHouseSql.literals(distinctIds) + ") ORDER BY ts_ms DESC, message_id"
                + " DESC LIMIT 1 BY message_id LIMIT " + limit, List.of(),
                row -> events.add(new PersonEvent(row.text(0), StoredEvent.typeName(Integer.parseInt(row.raw(1))),
                        Instant.ofEpochMilli(Long.parseLong(row.raw(2))))))
                .replaceWith(events);
    }

    @Override
    public Uni<Map<String, Instant>> firstOccurrences(Scope scope, EventMatch match, Instant from, Instant until) {
        boolean traits = ClickHouseSql.needsTraits(List.of(match), null);
        Map<String, Instant> first = new HashMap<>();
        return identities.resolution(scope, traits)
                .chain(people -> http.rows(perKey(scope, from, until, traits, Read.of(List
                        .of(match)), ClickHouseSql.match(match), false, "", "", "min(ts_ms)"), people
                                .tables(),
                        row -> first.merge(people.person(row.text(0)), Instant.ofEpochMilli(Long.parseLong(row.raw(1))),
                                (a, b) -> a.isBefore(b) ? a : b)))
                .replaceWith(first);
    }

    @Override
    public Uni<Void> funnelTimelines(Scope scope, FunnelQuery query, BiConsumer<String, List<FunnelEvent>> person) {
        List<EventMatch> all = new ArrayList<>(query.steps());
        all.addAll(query.exclusions());
        boolean traits = ClickHouseSql.needsTraits(all, query.breakdown());
        boolean breakdown = query.breakdown() != null;
        boolean exclusions = !query.exclusions().isEmpty();
        // Strict order sees everything a person did between the steps.
        String rows = query.everyEvent() ? ClickHouseSql.ACTIVITY + " OR " + anyOf(all) : anyOf(all);
        // Only people who may have entered: a step in the start range (the first one, in strict order; any one, as
        // unordered funnels enter by any step).
        String entered = "countIf((" + (query.everyEvent()
                ? ClickHouseSql.match(query.steps().get(0))
                : anyOf(query.steps()))
                + ") AND ts_ms < " + query.startUntil().toEpochMilli() + ")";
        // Each event as one number: its time after the start of the read (ms), then a bit per step it matches
        // (at most 20 steps: 2^43 ms of range fit), sorted there, so the calculator's own sort finds each timeline
        // in order; exclusions and breakdown values in the same order.
        int steps = query.steps().size();
        long base = query.startFrom().toEpochMilli();
        String packed = "(ts_ms - " + base + ") * " + (1L << steps) + " + (" + bits(query.steps()) + ")";
        String aggregates = entered
                + " AS id_entries, arraySort(groupArray(" + packed + ")) AS id_events, " + (exclusions
                        ? "arraySort((x, p) -> p, groupArray(toUInt32(" + bits(query.exclusions()) + ")), groupArray("
                                + packed + "))"
                        : "[]")
                + " AS id_exclusions"
                + (breakdown
                        ? ", arraySort((v, p) -> p, groupArray(" + ClickHouseSql.text(query.breakdown(), NONE)
                                + "), groupArray(" + packed + ")) AS id_values"
                        : "");
        String sql = perKey(scope, query.startFrom(), query.until(), traits, query.everyEvent()
                ? new Read(null, "(" + ClickHouseSql.ACTIVITY + " OR " + ClickHouseSql.prefilter(all) + ")")
                : Read.of(all), rows, false, "", "", aggregates);
        return identities.resolution(scope, traits).chain(resolved -> {
            // Many people with several ids would wait here in memory: ClickHouse merges their rows instead.
            ClickHouseIdentities.People people = resolved.shared().size() <= mergedHereAtMost
                    ? resolved
                    : new ClickHouseIdentities.People(List.of(ClickHouseIdentities.linksTable(resolved.personOf())),
                            Map.of(), Set.of());
            String perPerson = people == resolved
                    ? sql
                    : "SELECT person, sum(id_entries), arraySort(groupArrayArray(id_events)), " + (exclusions
                            ? "arraySort((x, p) -> p, groupArrayArray(id_exclusions), groupArrayArray(id_events))"
                            : "[]")
                            + (breakdown
                                    ? ", arraySort((v, p) -> p, groupArrayArray(id_values), groupArrayArray(id_events))"
                                    : "")
                            + " FROM (SELECT if(person_id = '', distinct_id, person_id) AS person, * FROM (SELECT who"
                            + " AS distinct_id, * FROM (" + sql + ")) ANY LEFT JOIN links USING distinct_id)"
                            + " GROUP BY person";
            // People with several ids wait for all of theirs, as the rows arrived (8 bytes an event, more only with
            // exclusions or a breakdown); everybody else goes straight to the calculator.
            Map<String, Rows> waiting = new HashMap<>();
            return http.rows(perPerson, people.tables(), row -> {
                String who = people.person(row.text(0));
                Rows received = new Rows(Long.parseLong(row.raw(1)) > 0, row.longs(2), row.longs(3), breakdown
                        ? ClickHouseSql.array(row.raw(4))
                        : null);
                if (!people.shared(who)) {
                    if (received.entered) {
                        person.accept(who, received.timeline(base, steps));
                    }
                    return;
                }
                waiting.merge(who, received, Rows::and);
            }).invoke(() -> waiting.forEach((who, merged) -> {
                if (merged.entered) {
                    List<FunnelEvent> timeline = merged.timeline(base, steps);
                    timeline.sort(Comparator.comparingLong(FunnelEvent::atMillis));
                    person.accept(who, timeline);
                }
            }));
        });
    }

    /**
     * One id's (or several ids') funnel rows as received: packed events (time after the read's start, then the step
     * bits), exclusion bits (empty without exclusions) and breakdown values (null without a breakdown).
     */
    private record Rows(boolean entered, long[] events, long[] exclusions, List<String> values) {

        Rows and(Rows other) {
            List<String> both = null;
            if (values != null) {
                both = new ArrayList<>(values);
                both.addAll(other.values);
            }
            return new Rows(entered || other.entered, concat(events, other.events), concat(exclusions,
                    other.exclusions), both);
        }

        List<FunnelEvent> timeline(long base, int steps) {
            List<FunnelEvent> timeline = new ArrayList<>(events.length);
            for (int i = 0; i < events.length; i++) {
                String value = values == null ? NONE : values.get(i);
                timeline.add(new FunnelEvent(base + (events[i] >> steps), (int) (events[i] & ((1L << steps) - 1)),
                        exclusions.length == 0 ? 0 : (int) exclusions[i], value.equals(NONE) ? null : value));
            }
            return timeline;
        }

        private static long[] concat(long[] a, long[] b) {
            long[] both = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            return both;
        }
    }

    @Override
    public Uni<Void> pathTimelines(Scope scope, PathQuery query, BiConsumer<String, List<PathEvent>> person) {
        String which = switch (query.kind()) {
            case EVENTS -> ClickHouseSql.ACTIVITY;
            case PAGES -> "(type = 3 AND source != 4)";
            case SCREENS -> "(type = 4 AND source != 4)";
        };
        String label = query.kind() == PathKind.PAGES
                ? "if(" + nonEmptyString("path") + ", " + ClickHouseSql.value("path") + ", if(" + nonEmptyString(
                        "url") + ", " + ClickHouseSql.value("url") + ", name))"
                : "name";
        String events = new Read(which, which).from(scope, query.from(), query.until());
        // labels travel as numbers: the most frequent ones first, the rest as text
        String dictionary = "SELECT label FROM (SELECT " + label + " AS label, count() AS c FROM " + events
                + " GROUP BY label ORDER BY c DESC LIMIT " + pathLabels + ")";
        List<String> labels = new ArrayList<>();
        return http.rows(dictionary, List.of(), row -> labels.add(row.text(0))).chain(() -> labels.isEmpty()
                ? Uni.createFrom().voidItem() // no events of the kind
                : identities.resolution(scope, false).chain(people -> {
                    boolean texts = labels.size() == pathLabels;
                    String sql = pathsRead(query, label, events, labels, texts);
                    List<ClickHouseHttp.ExternalTable> tables = query.cut() == null
                            ? List.of()
                            : List.of(ClickHouseIdentities.idsTable("shared_ids", people.personOf()));
                    // people with several ids wait for all of theirs, as funnels' do
                    Map<String, List<PathEvent>> waiting = new HashMap<>();
                    return http.rows(sql, tables, row -> {
                        String who = people.person(row.text(0));
                        long[] times = row.longs(1);
                        long[] ids = row.longs(2);
                        List<String> text = texts ? ClickHouseSql.array(row.raw(3)) : null;
                        List<PathEvent> timeline = new ArrayList<>(times.length);
                        for (int i = 0; i < times.length; i++) {
                            timeline.add(new PathEvent(times[i], ids[i] >= 0 ? labels.get((int) ids[i]) : text.get(i)));
                        }
                        if (people.shared(who)) {
                            waiting.computeIfAbsent(who, w -> new ArrayList<>()).addAll(timeline);
                        } else {
                            person.accept(who, timeline);
                        }
                    }).invoke(() -> waiting.forEach(person));
                }));
    }

    /** Labels sent as numbers; a label beyond them as text. */
    static final int MAX_PATH_LABELS = 5_000;

    /**
     * Per id, its events' times and label numbers (and texts, when the labels did not all fit the dictionary), in no
     * order. With a cut, each id's events from its first start through the window; every event of ids whose person
     * has several (their first start may be in another id) and ids without a start left out.
     */
    private static String pathsRead(PathQuery query, String label, String events, List<String> labels,
            boolean texts) {
        String number = "transform(" + label + ", [" + ClickHouseSql.literals(labels) + "], range(" + labels.size()
                + "), -1)";
        String perId = "SELECT distinct_id AS who, groupArray(ts_ms) AS times, groupArray(" + number + ") AS ids"
                + (texts ? ", groupArray(if(" + number + " = -1, " + label + ", '')) AS texts" : "");
        EventStore.StartCut cut = query.cut();
        if (cut == null) {
            return perId + " FROM " + events + " GROUP BY who";
        }
        String started = "ts_ms >= " + cut.from().toEpochMilli() + " AND ts_ms < " + cut.until().toEpochMilli()
                + (cut.start() == null ? "" : " AND " + label + " = " + ClickHouseSql.literal(cut.start()));
        String kept = "shared OR t >= s AND t <= s + " + cut.windowMillis();
        return "SELECT who, arrayFilter(t -> " + kept + ", times), arrayFilter((x, t) -> " + kept + ", ids, times)"
                + (texts ? ", arrayFilter((x, t) -> " + kept + ", texts, times)" : "")
                + " FROM (SELECT *, who IN shared_ids AS shared FROM (" + perId + ", minIf(ts_ms, " + started
                + ") AS s FROM " + events + " GROUP BY who)) WHERE s > 0 OR shared";
    }

    @Override
    public Uni<Void> candidateTimes(Scope scope, CandidateQuery query,
            BiConsumer<String, Map<String, long[]>> person) {
        return candidates.read(scope, query, person);
    }

    /** Whether a property is a non-empty string. */
    private static String nonEmptyString(String property) {
        return "(" + ClickHouseSql.kind(property) + " = " + ClickHouseSql.STRING + " AND " + ClickHouseSql.value(
                property) + " != '')";
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
        return identities.resolution(scope, traits).chain(people -> http.rows(perKey(scope, range.startInstant(), range
                .endInstant(), traits, Read.of(List.of(match)), ClickHouseSql.match(match), true,
                period(interval, zone(range.zone())) + " AS period", "period", "toFloat64(sum(" + ClickHouseSql
                        .number(property) + "))"),
                people.tables(), row -> sums.computeIfAbsent(people.person(row.text(0)), p -> new HashMap<>())
                        .merge(LocalDate.parse(row.raw(1)), Double.parseDouble(row.raw(2)), Double::sum)))
                .replaceWith(sums);
    }

    /**
     * The matching events aggregated into {@code aggregates} per {@code who} (and {@code keys}, given as
     * {@code expression AS name} and grouped by {@code keyNames}): the distinct id, whose person is found here
     * ({@link ClickHouseIdentities.People}); with conditions on traits, the person, as events are joined to links and
     * traits in
     * ClickHouse. The table's sorting key (name, distinct id, time) keeps the aggregation per id local. {@code once}:
     * each message id counted once (sums).
     */
    private static String perKey(Scope scope, Instant from, Instant until, boolean traits, Read read,
            String where, boolean once, String keys, String keyNames, String aggregates) {
        String selected = (keys.isEmpty() ? "" : ", " + keys) + (aggregates.isEmpty() ? "" : ", " + aggregates);
        String source = traits
                ? events(scope, from, until, true, read) + " WHERE " + where
                : read.from(scope, from, until) + " AND " + where;
        return "SELECT " + (traits ? "person" : "distinct_id") + " AS who" + selected + " FROM " + (once
                ? "(SELECT * FROM " + source + ONCE + ")"
                : source) + " GROUP BY who" + (keyNames.isEmpty() ? "" : ", " + keyNames);
    }

    /**
     * The scope's events in [from, until) that are {@code read} (what the event itself must be); with {@code traits},
     * each with its person (after identity links) as {@code person} and the person's flattened traits
     * ({@code t_keys}, {@code t_values}, {@code t_kinds}).
     */
    private static String events(Scope scope, Instant from, Instant until, boolean traits, Read read) {
        String events = "(SELECT * FROM " + read.from(scope, from, until) + ")";
        return traits
                ? "(SELECT * FROM (SELECT *, if(person_id = '', distinct_id, person_id) AS person FROM " + events
                        + " ANY LEFT JOIN links USING distinct_id) ANY LEFT JOIN traits USING person)"
                : events;
    }

    /**
     * What an event itself must be to be read ({@link ClickHouseSql#prefilter}), and the part of it about names
     * alone (null when any activity is read): with the scope, what the sorting key narrows the read to, and read
     * first (PREWHERE), so the rest is evaluated on those events only.
     */
    record Read(String prewhere, String prefilter) {

        static final Read ACTIVITY = new Read(ClickHouseSql.ACTIVITY, ClickHouseSql.ACTIVITY);

        static Read of(List<EventMatch> matches) {
            return new Read(matches.stream().anyMatch(EventMatch::anyActivity)
                    ? null
                    : "name IN (" + ClickHouseSql.literals(matches.stream().map(EventMatch::event).distinct()
                            .toList()) + ")",
                    ClickHouseSql.prefilter(matches));
        }

        /** {@code events} read in the scope and [from, until), for a WHERE to go on. */
        String from(Scope scope, Instant from, Instant until) {
            return "events PREWHERE " + (prewhere == null ? "" : prewhere + " AND ") + owned(scope) + " WHERE "
                    + inScope(scope, from, until) + " AND " + prefilter;
        }
    }

    /** An instant as a DateTime (whole seconds, down), clamped to the type's range. */
    private static String dateTime(Instant at) {
        return "toDateTime(" + Math.min(4_294_967_295L, Math.max(0, at.getEpochSecond())) + ")";
    }

    private static String owned(Scope scope) {
        return "project_id = " + ClickHouseSql.literal(scope.projectId()) + " AND environment = " + ClickHouseSql
                .literal(scope.environment());
    }

    /** The scope and [from, until): the month partitions and the sorting key both narrow the read. */
    private static String inScope(Scope scope, Instant from, Instant until) {
        long fromMs = from.toEpochMilli();
        long untilMs = until.toEpochMilli();
        return owned(scope) + " AND ts >= " + dateTime(from) + " AND ts <= " + dateTime(until) + " AND ts_ms >= "
                + fromMs + " AND ts_ms < " + untilMs;
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
}
