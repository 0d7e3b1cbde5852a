package dev.flywheel.metrics.store.clickhouse;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.store.EventBatchWriter;
import dev.flywheel.metrics.store.StoredEvent;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.service.grpc.ProtoValues;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;

/**
 * Inserts batches of events into ClickHouse, each exactly once. MergeTree tables have no unique keys, so what is
 * already there is recognised by its place in the topic: every row carries its Kafka partition and offset, and a
 * batch inserts one block per month (one part, all or nothing). A partition's records are inserted in offset order,
 * so a record whose offset is at most the highest stored for its partition and month is there already: a batch read
 * again after a crash (inserted, offsets not committed) or a failed insert inserts only what is missing. Ids sent
 * twice by a client (the collector drops retries; two racing ones may pass) share their sorting key and are merged
 * into one row by ReplacingMergeTree.
 */
@ApplicationScoped
public class ClickHouseEventWriter {

    private record PartitionMonth(int partition, int month) {
    }

    private final ClickHouseHttp http;
    private final ClickHouseSchema schema;
    private volatile boolean schemaReady;
    /** The highest offset stored per partition and month, for partitions read since the last failure. */
    private final Map<PartitionMonth, Long> stored = new ConcurrentHashMap<>();
    /** The next offset expected per partition: a jump back (a rewind, a rebalance) re-reads the stored offsets. */
    private final Map<Integer, Long> expected = new ConcurrentHashMap<>();

    public ClickHouseEventWriter(ClickHouseHttp http, ClickHouseSchema schema) {
        this.http = http;
        this.schema = schema;
    }

    public Uni<EventBatchWriter.Outcome> write(List<Event> events, int[] partitions, long[] offsets) {
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Long next = expected.get(partitions[i]);
            if ((next == null || offsets[i] < next) && !unknown.contains(partitions[i])) {
                unknown.add(partitions[i]);
            }
        }
        Uni<Void> ready = schemaReady
                ? Uni.createFrom().voidItem()
                : schema.create().invoke(() -> schemaReady = true);
        return ready.chain(() -> unknown.isEmpty() ? Uni.createFrom().voidItem() : readStored(unknown))
                .chain(() -> insert(events, partitions, offsets))
                .onFailure().invoke(failure -> {
                    stored.clear();
                    expected.clear();
                });
    }

    private Uni<Void> readStored(List<Integer> partitions) {
        partitions.forEach(p -> stored.keySet().removeIf(key -> key.partition() == p));
        StringBuilder in = new StringBuilder();
        partitions.forEach(p -> in.append(in.length() == 0 ? "" : ", ").append(p));
        return http.select("SELECT kafka_partition, toYYYYMM(ts), max(kafka_offset) FROM events"
                + " WHERE kafka_partition IN (" + in + ") GROUP BY kafka_partition, toYYYYMM(ts)", List.of(),
                row -> stored.put(new PartitionMonth(Integer.parseInt(row[0]), Integer.parseInt(row[1])),
                        Long.parseLong(row[2])));
    }

    private Uni<EventBatchWriter.Outcome> insert(List<Event> events, int[] partitions, long[] offsets) {
        // rows are built on every core; the blocks go in month order
        String[] rows = new String[events.size()];
        int[] months = new int[events.size()];
        IntStream.range(0, events.size()).parallel().forEach(i -> {
            Event event = events.get(i);
            String name = StoredEvent.name(event);
            if (StoredEvent.unstorable(event.getScope().getProjectId(), event.getScope().getEnvironment(), event
                    .getMessageId(), name, event.getDistinctId()) == null) {
                long millis = ProtoValues.instant(event.getTimestamp()).toEpochMilli();
                var at = Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC);
                months[i] = at.getYear() * 100 + at.getMonthValue();
                rows[i] = row(event, name, millis, partitions[i], offsets[i]);
            }
        });
        Map<Integer, StringBuilder> blocks = new TreeMap<>();
        Map<PartitionMonth, Long> highest = new HashMap<>();
        int inserted = 0;
        int duplicates = 0;
        int rejected = 0;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) {
                rejected++; // the PostgreSQL consumer keeps it in rejected_event with the reason
                continue;
            }
            PartitionMonth place = new PartitionMonth(partitions[i], months[i]);
            Long before = stored.get(place);
            if (before != null && offsets[i] <= before) {
                duplicates++;
                continue;
            }
            blocks.computeIfAbsent(months[i], m -> new StringBuilder()).append(rows[i]);
            highest.merge(place, offsets[i], Math::max);
            inserted++;
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (StringBuilder block : blocks.values()) {
            chain = chain.chain(() -> http.insert("events (" + INSERTED + ")", "TabSeparated", Buffer.buffer(block
                    .toString())));
        }
        int storedCount = inserted;
        int duplicateCount = duplicates;
        int rejectedCount = rejected;
        return chain.invoke(() -> {
            highest.forEach((place, offset) -> stored.merge(place, offset, Math::max));
            for (int i = 0; i < events.size(); i++) {
                expected.merge(partitions[i], offsets[i] + 1, Math::max);
            }
        }).replaceWith(() -> new EventBatchWriter.Outcome(storedCount, duplicateCount, rejectedCount));
    }

    /** The columns a row gives, in its order. */
    static final String INSERTED = "project_id, environment, message_id, type, source, name, distinct_id, ts, ts_ms,"
            + " prop_keys, prop_values, prop_kinds, kafka_partition, kafka_offset";

    /** One TabSeparated row (text as the PostgreSQL store keeps it: without NUL characters). */
    static String row(Event event, String name, long millis, int partition, long offset) {
        ClickHouseSql.Flat flat = new ClickHouseSql.Flat();
        if (event.hasProperties()) {
            ClickHouseSql.flatten("properties", event.getProperties(), flat);
        }
        if (event.hasContext()) {
            ClickHouseSql.flatten("context", event.getContext(), flat);
        }
        StringBuilder row = new StringBuilder(256);
        for (String text : new String[]{event.getScope().getProjectId(), event.getScope().getEnvironment(), event
                .getMessageId()}) {
            row.append(ClickHouseSql.tsv(ClickHouseSql.withoutNul(text))).append('\t');
        }
        row.append(event.getTypeValue()).append('\t').append(event.getSourceValue()).append('\t')
                .append(ClickHouseSql.tsv(ClickHouseSql.withoutNul(name))).append('\t')
                .append(ClickHouseSql.tsv(ClickHouseSql.withoutNul(event.getDistinctId()))).append('\t')
                .append(Math.floorDiv(millis, 1000)).append('\t').append(millis).append('\t')
                .append(ClickHouseSql.arrayLiteral(flat.keys())).append('\t')
                .append(ClickHouseSql.arrayLiteral(flat.values())).append('\t');
        row.append('[');
        for (int i = 0; i < flat.kinds().size(); i++) {
            row.append(i == 0 ? "" : ",").append(flat.kinds().get(i));
        }
        return row.append("]\t").append(partition).append('\t').append(offset).append('\n').toString();
    }
}
