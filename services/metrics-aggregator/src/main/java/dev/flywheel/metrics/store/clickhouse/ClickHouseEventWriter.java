package dev.flywheel.metrics.store.clickhouse;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.store.EventBatchWriter;
import dev.flywheel.metrics.store.StoredEvent;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.service.grpc.ProtoValues;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
        Map<Integer, Buffer> months = new TreeMap<>();
        Map<PartitionMonth, Long> highest = new HashMap<>();
        int inserted = 0;
        int duplicates = 0;
        int rejected = 0;
        for (int i = 0; i < events.size(); i++) {
            StoredEvent event = StoredEvent.of(events.get(i));
            if (event.unstorable() != null) {
                rejected++; // the PostgreSQL consumer keeps it in rejected_event with the reason
                continue;
            }
            var at = event.at().atOffset(ZoneOffset.UTC);
            int month = at.getYear() * 100 + at.getMonthValue();
            PartitionMonth place = new PartitionMonth(partitions[i], month);
            Long before = stored.get(place);
            if (before != null && offsets[i] <= before) {
                duplicates++;
                continue;
            }
            months.computeIfAbsent(month, m -> Buffer.buffer()).appendString(row(events.get(i), event, partitions[i],
                    offsets[i])).appendString("\n");
            highest.merge(place, offsets[i], Math::max);
            inserted++;
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Buffer rows : months.values()) {
            chain = chain.chain(() -> http.insert("events", rows));
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

    /** One JSONEachRow line. */
    static String row(Event source, StoredEvent event, int partition, long offset) {
        ClickHouseSql.Flat flat = new ClickHouseSql.Flat();
        if (source.hasProperties()) {
            ClickHouseSql.flatten("properties", ProtoValues.toMap(source.getProperties()), flat);
        }
        if (source.hasContext()) {
            ClickHouseSql.flatten("context", ProtoValues.toMap(source.getContext()), flat);
        }
        long millis = event.at().toEpochMilli();
        return new JsonObject().put("project_id", event.projectId()).put("environment", event.environment())
                .put("message_id", event.messageId()).put("type", event.type().getNumber())
                .put("source", event.source().getNumber()).put("name", event.name())
                .put("distinct_id", event.distinctId()).put("ts", Math.floorDiv(millis, 1000)).put("ts_ms", millis)
                .put("prop_keys", new JsonArray(flat.keys())).put("prop_values", new JsonArray(flat.values()))
                .put("prop_kinds", new JsonArray(flat.kinds())).put("kafka_partition", partition)
                .put("kafka_offset", offset).encode();
    }
}
