package dev.flywheel.metrics.store.clickhouse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.Candidates;
import dev.flywheel.metrics.store.EventStore;
import dev.flywheel.metrics.store.EventStore.CandidateQuery;
import io.smallrye.mutiny.Uni;

/**
 * ClickHouse's reads of correlation and activation candidates: a numbered dictionary of the candidates first, then
 * per id whether it holds each (bits), its earliest times per candidate, or its first days' events.
 */
final class ClickHouseCandidates {

    private final ClickHouseHttp http;
    private final ClickHouseIdentities identities;

    ClickHouseCandidates(ClickHouseHttp http, ClickHouseIdentities identities) {
        this.http = http;
        this.identities = identities;
    }

    /** Candidates held: the most frequent values of a property taken, the rarer ones could not be significant. */
    static final int MAX_NAMES = 2_000;
    static final int MAX_VALUES_PER_PROPERTY = 200;

    /** Hands each person's candidates over ({@link EventStore#candidateTimes}). */
    Uni<Void> read(Scope scope, CandidateQuery query, BiConsumer<String, Map<String, long[]>> person) {
        String events = ClickHouseEventStore.Read.ACTIVITY.from(scope, query.from(), query.until());
        return candidateDictionary(events, query.eventProperties()).chain(dictionary -> dictionary.candidates()
                .isEmpty()
                        ? Uni.createFrom().voidItem() // no events
                        : identities.resolution(scope, false).chain(people -> {
                            Map<String, Map<String, long[]>> waiting = new HashMap<>();
                            boolean held = query.timesKept() == 0;
                            boolean early = !held && query.earlyMillis() > 0 && dictionary.numbers().size() == 1;
                            String sql = held
                                    ? heldRead(events, dictionary)
                                    : early
                                            ? earlyRead(events, dictionary, query.earlyMillis())
                                            : timedRead(events, dictionary, query.timesKept());
                            List<ClickHouseHttp.ExternalTable> tables = early
                                    ? List.of(ClickHouseIdentities.idsTable("shared_ids", people.personOf()))
                                    : people.tables();
                            return http.rows(sql, tables, row -> {
                                String who = people.person(row.text(0));
                                Map<String, long[]> candidates = held
                                        ? held(row, dictionary)
                                        : early
                                                ? early(row, dictionary, query.timesKept())
                                                : timed(row, dictionary);
                                if (people.shared(who)) {
                                    waiting.merge(who, candidates, (x, y) -> Candidates.merge(x, y, query
                                            .timesKept()));
                                } else {
                                    person.accept(who, candidates);
                                }
                            }).invoke(() -> waiting.forEach(person));
                        }));
    }

    /**
     * The candidates of a read, numbered (the event names, then each property's most frequent values), and per kind
     * the expression giving a row's number (-1: none): rows then carry numbers, not strings, which makes the
     * per-id aggregation about three times faster.
     */
    private record CandidateDictionary(List<String> candidates, List<String> numbers) {
    }

    private Uni<CandidateDictionary> candidateDictionary(String events, List<String> properties) {
        StringBuilder sql = new StringBuilder("SELECT 0, name FROM (SELECT name, count() AS c FROM " + events
                + " GROUP BY name ORDER BY c DESC LIMIT " + MAX_NAMES + ")");
        for (int i = 0; i < properties.size(); i++) {
            sql.append(" UNION ALL SELECT ").append(i + 1).append(", v FROM (SELECT ").append(ClickHouseSql.text(
                    properties.get(i), "")).append(" AS v, count() AS c FROM ").append(events).append(
                            " GROUP BY v HAVING v != '' ORDER BY c DESC LIMIT ")
                    .append(MAX_VALUES_PER_PROPERTY).append(")");
        }
        List<List<String>> values = new ArrayList<>();
        for (int i = 0; i <= properties.size(); i++) {
            values.add(new ArrayList<>());
        }
        return http.rows(sql.toString(), List.of(), row -> values.get(Integer.parseInt(row.raw(0))).add(row.text(1)))
                .map(done -> {
                    List<String> candidates = new ArrayList<>();
                    List<String> numbers = new ArrayList<>();
                    for (int k = 0; k < values.size(); k++) {
                        List<String> known = values.get(k);
                        if (known.isEmpty()) {
                            continue;
                        }
                        String of = k == 0 ? "name" : ClickHouseSql.text(properties.get(k - 1), "");
                        StringBuilder to = new StringBuilder();
                        for (int i = 0; i < known.size(); i++) {
                            to.append(i == 0 ? "" : ",").append(candidates.size() + i);
                        }
                        // 18.16 wants both arrays as literals
                        numbers.add("transform(" + of + ", [" + ClickHouseSql.literals(known) + "], [" + to + "], -1)");
                        for (String value : known) {
                            candidates.add(k == 0
                                    ? Candidates.event(value)
                                    : Candidates.property(properties.get(k - 1),
                                            value));
                        }
                    }
                    return new CandidateDictionary(candidates, numbers);
                });
    }

    /** Per id, whether it holds each candidate: one OR per id of a bit per candidate, into 64-bit words. */
    private static String heldRead(String events, CandidateDictionary dictionary) {
        StringBuilder columns = new StringBuilder();
        StringBuilder words = new StringBuilder();
        for (int k = 0; k < dictionary.numbers().size(); k++) {
            columns.append(", ").append(dictionary.numbers().get(k)).append(" AS n").append(k);
        }
        for (int word = 0; word * 64 < dictionary.candidates().size(); word++) {
            StringBuilder bits = new StringBuilder();
            for (int k = 0; k < dictionary.numbers().size(); k++) {
                // the kinds' numbers never share a bit: adding them is ORing
                bits.append(k == 0 ? "" : " + ").append("if(n").append(k).append(" >= ").append(word * 64)
                        .append(" AND n").append(k).append(" < ").append(word * 64 + 64).append(
                                ", bitShiftLeft(toUInt64(1), toUInt64(n")
                        .append(k).append(" - ").append(word * 64).append(")), toUInt64(0))");
            }
            words.append(", groupBitOr(").append(bits).append(")");
        }
        return "SELECT who" + words + " FROM (SELECT distinct_id AS who" + columns + " FROM " + events
                + ") GROUP BY who";
    }

    private static Map<String, long[]> held(TsvRow row, CandidateDictionary dictionary) {
        Map<String, long[]> held = new HashMap<>();
        for (int word = 0; word * 64 < dictionary.candidates().size(); word++) {
            long bits = Long.parseUnsignedLong(row.raw(1 + word));
            while (bits != 0) {
                held.put(dictionary.candidates().get(word * 64 + Long.numberOfTrailingZeros(bits)), NO_TIMES);
                bits &= bits - 1;
            }
        }
        return held;
    }

    private static final long[] NO_TIMES = new long[0];

    /** Per id and candidate number the earliest times; then per id in one row: numbers, times per number, times. */
    private static String timedRead(String events, CandidateDictionary dictionary, int kept) {
        return "SELECT who, groupArray(c), groupArray(length(times)), groupArrayArray(times) FROM"
                + " (SELECT distinct_id AS who, arrayJoin(arrayFilter(x -> x >= 0, [" + String.join(", ", dictionary
                        .numbers())
                + "])) AS c, arraySlice(arraySort(groupArray(ts_ms)), 1, " + kept + ") AS times FROM " + events
                + " GROUP BY who, c) GROUP BY who";
    }

    /**
     * Per id, the numbers and times of its events within {@code earlyMillis} of its first in the read (every event
     * of people with several ids: their first may be in another id), in no order: a person's first days are a
     * fraction of what the read holds.
     */
    private static String earlyRead(String events, CandidateDictionary dictionary, long earlyMillis) {
        String kept = "shared OR t < first_at + " + earlyMillis;
        // the columns the lambdas use selected as well: 18.16 drops a column only lambdas use
        return "SELECT who, arrayFilter((n, t) -> " + kept + ", numbers, times), arrayFilter(t -> " + kept + ", times),"
                + " shared, first_at FROM (SELECT *, who IN shared_ids AS shared FROM (SELECT distinct_id AS who,"
                + " min(ts_ms) AS first_at,"
                + " groupArray(" + dictionary.numbers().get(0) + ") AS numbers, groupArray(ts_ms) AS times FROM "
                + events + " GROUP BY who))";
    }

    private static Map<String, long[]> early(TsvRow row, CandidateDictionary dictionary, int kept) {
        long[] numbers = row.longs(1);
        long[] times = row.longs(2);
        Map<Integer, long[]> byNumber = new HashMap<>();
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < numbers.length; i++) {
            if (numbers[i] < 0) {
                continue; // a name beyond the dictionary
            }
            int number = (int) numbers[i];
            long[] at = byNumber.computeIfAbsent(number, n -> new long[4]);
            int count = counts.merge(number, 1, Integer::sum);
            if (count > at.length) {
                at = Arrays.copyOf(at, at.length * 2);
                byNumber.put(number, at);
            }
            at[count - 1] = times[i];
        }
        Map<String, long[]> received = new HashMap<>(byNumber.size() * 2);
        byNumber.forEach((number, at) -> {
            long[] sorted = Arrays.copyOf(at, counts.get(number));
            Arrays.sort(sorted);
            received.put(dictionary.candidates().get(number), sorted.length > kept
                    ? Arrays.copyOf(sorted, kept)
                    : sorted);
        });
        return received;
    }

    private static Map<String, long[]> timed(TsvRow row, CandidateDictionary dictionary) {
        long[] numbers = row.longs(1);
        long[] lengths = row.longs(2);
        long[] times = row.longs(3);
        Map<String, long[]> received = new HashMap<>(numbers.length * 2);
        int at = 0;
        for (int i = 0; i < numbers.length; i++) {
            received.put(dictionary.candidates().get((int) numbers[i]), Arrays.copyOfRange(times, at, at
                    + (int) lengths[i]));
            at += (int) lengths[i];
        }
        return received;
    }
}
