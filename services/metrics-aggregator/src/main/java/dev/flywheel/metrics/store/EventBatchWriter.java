package dev.flywheel.metrics.store;

import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.proto.events.v1.Event;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * Stores a batch of events in one transaction: receipts first (an event already stored is skipped, which makes
 * replays and redeliveries harmless), then the events, identity links, traits and the daily rollups. The caller
 * commits Kafka offsets only after this succeeds, so a crash at any point loses and duplicates nothing.
 */
@ApplicationScoped
public class EventBatchWriter {

    private final Pool pool;
    private final Set<YearMonth> partitions = ConcurrentHashMap.newKeySet();

    public EventBatchWriter(Pool pool) {
        this.pool = pool;
    }

    /** What a batch did: events new to the store, those it had already, and those it could not keep. */
    public record Outcome(int stored, int duplicates, int rejected) {
    }

    public Uni<Outcome> write(List<Event> batch) {
        Map<String, StoredEvent> unique = new LinkedHashMap<>();
        List<Tuple> rejected = new ArrayList<>();
        for (Event event : batch) {
            StoredEvent stored = StoredEvent.of(event);
            String reason = stored.unstorable();
            if (reason != null) {
                rejected.add(rejection(event, reason));
            } else {
                unique.putIfAbsent(stored.projectId() + '\u0000' + stored.messageId(), stored);
            }
        }
        List<StoredEvent> events = new ArrayList<>(unique.values());
        if (events.isEmpty() && rejected.isEmpty()) {
            return Uni.createFrom().item(new Outcome(0, batch.size(), 0));
        }
        return ensurePartitions(events)
                .chain(() -> pool.withTransaction(connection -> reject(connection, rejected)
                        .chain(() -> events.isEmpty()
                                ? Uni.createFrom().item(0)
                                : lockProjects(connection, events)
                                        .chain(zones -> receipts(connection, events)
                                                .chain(fresh -> store(connection, fresh, zones))))))
                .map(stored -> new Outcome(stored, batch.size() - stored - rejected.size(), rejected.size()));
    }

    /**
     * Stores each event in a transaction of its own, after a batch failed again and again: an event that fails
     * alone while the database answers is kept in {@code rejected_event} with the error, so one bad record cannot
     * stall its partition. If the database does not answer, this fails like the batch did.
     */
    public Uni<Outcome> writeEachAlone(List<Event> batch) {
        Uni<Outcome> total = Uni.createFrom().item(new Outcome(0, 0, 0));
        for (Event event : batch) {
            total = total.chain(sum -> write(List.of(event))
                    .onFailure().recoverWithUni(failure -> pool.query("SELECT 1").execute()
                            .chain(() -> pool.withTransaction(connection -> reject(connection,
                                    List.of(rejection(event, "store_failed: " + failure.getMessage())))))
                            .replaceWith(new Outcome(0, 0, 1)))
                    .map(one -> new Outcome(sum.stored() + one.stored(), sum.duplicates() + one.duplicates(),
                            sum.rejected() + one.rejected())));
        }
        return total;
    }

    private static Tuple rejection(Event event, String reason) {
        String project = event.getScope().getProjectId().replace("\u0000", "");
        String message = event.getMessageId().replace("\u0000", "");
        return Tuple.of(project.isEmpty() ? "?" : project, message.isEmpty() ? "?" + event.getEventId() : message,
                reason.length() > 1000 ? reason.substring(0, 1000) : reason,
                Buffer.buffer(event.toByteArray()), OffsetDateTime.now(ZoneOffset.UTC));
    }

    private static Uni<Void> reject(SqlConnection connection, List<Tuple> rejected) {
        if (rejected.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("""
                INSERT INTO rejected_event (project_id, message_id, reason, payload, rejected_at)
                VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING""").executeBatch(rejected).replaceWithVoid();
    }

    /** Monthly partitions, created before the transaction: DDL would hold locks for the batch's whole length. */
    private Uni<Void> ensurePartitions(List<StoredEvent> events) {
        Set<YearMonth> months = new TreeSet<>();
        for (StoredEvent event : events) {
            YearMonth month = YearMonth.from(event.atUtc());
            if (!partitions.contains(month)) {
                months.add(month);
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (YearMonth month : months) {
            chain = chain.chain(() -> createPartition(month));
        }
        return chain;
    }

    private Uni<Void> createPartition(YearMonth month) {
        OffsetDateTime from = month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime to = month.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        String sql = "CREATE TABLE IF NOT EXISTS event_p%04d%02d PARTITION OF event FOR VALUES FROM ('%s') TO ('%s')"
                .formatted(month.getYear(), month.getMonthValue(), from, to);
        return pool.query(sql).execute()
                .onFailure(PgException.class).recoverWithUni(failure -> {
                    // Another replica created it between our check and our statement.
                    if ("42P07".equals(((PgException) failure).getSqlState())) {
                        return Uni.createFrom().nullItem();
                    }
                    return Uni.createFrom().failure(failure);
                })
                .invoke(() -> partitions.add(month))
                .replaceWithVoid();
    }

    /**
     * Holds each project's analytics lock (shared) for the batch, so a time-zone change waits for batches in
     * flight and batches after it see the new zone; returns each project's zone.
     */
    private Uni<Map<String, ZoneId>> lockProjects(SqlConnection connection, List<StoredEvent> events) {
        String[] projects = events.stream().map(StoredEvent::projectId).distinct().sorted().toArray(String[]::new);
        return connection.preparedQuery("""
                SELECT p.project_id, pg_advisory_xact_lock_shared(hashtext('flywheel.analytics:' || p.project_id)),
                       s.time_zone
                FROM unnest($1::text[]) WITH ORDINALITY AS p(project_id, n)
                LEFT JOIN analytics_settings s ON s.project_id = p.project_id
                ORDER BY p.n""")
                .execute(Tuple.of(projects))
                .map(rows -> {
                    Map<String, ZoneId> zones = new HashMap<>();
                    for (Row row : rows) {
                        String zone = row.getString("time_zone");
                        zones.put(row.getString("project_id"), zone == null ? ZoneOffset.UTC : ZoneId.of(zone));
                    }
                    return zones;
                });
    }

    private Uni<List<StoredEvent>> receipts(SqlConnection connection, List<StoredEvent> events) {
        int n = events.size();
        String[] projects = new String[n];
        String[] messages = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            StoredEvent event = events.get(i);
            projects[i] = event.projectId();
            messages[i] = event.messageId();
            times[i] = event.atUtc();
        }
        return connection.preparedQuery("""
                INSERT INTO event_receipt (project_id, message_id, ts)
                SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
                ON CONFLICT DO NOTHING
                RETURNING project_id, message_id""")
                .execute(Tuple.of(projects, messages, times))
                .map(rows -> {
                    Set<String> fresh = new HashSet<>();
                    for (Row row : rows) {
                        fresh.add(row.getString(0) + '\u0000' + row.getString(1));
                    }
                    return events.stream().filter(e -> fresh.contains(e.projectId() + '\u0000' + e.messageId()))
                            .toList();
                });
    }

    private Uni<Integer> store(SqlConnection connection, List<StoredEvent> events, Map<String, ZoneId> zones) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return insertEvents(connection, events)
                .chain(() -> RollupWriter.write(connection, events, zones))
                .chain(() -> IdentityWriter.write(connection, events))
                .chain(() -> ExposureWriter.write(connection, events))
                .chain(() -> MetricValueWriter.write(connection, events))
                .chain(() -> HeatmapWriter.write(connection, events))
                .replaceWith(events.size());
    }

    private static Uni<Void> insertEvents(SqlConnection connection, List<StoredEvent> events) {
        int n = events.size();
        String[] projects = new String[n];
        String[] environments = new String[n];
        String[] messages = new String[n];
        Short[] types = new Short[n];
        String[] names = new String[n];
        String[] distinctIds = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        OffsetDateTime[] received = new OffsetDateTime[n];
        Short[] sources = new Short[n];
        String[] properties = new String[n];
        String[] contexts = new String[n];
        for (int i = 0; i < n; i++) {
            StoredEvent e = events.get(i);
            projects[i] = e.projectId();
            environments[i] = e.environment();
            messages[i] = e.messageId();
            types[i] = (short) e.type().getNumber();
            names[i] = e.name();
            distinctIds[i] = e.distinctId();
            times[i] = e.atUtc();
            received[i] = e.receivedAt().atOffset(ZoneOffset.UTC);
            sources[i] = (short) e.source().getNumber();
            properties[i] = e.properties();
            contexts[i] = e.context();
        }
        return connection.preparedQuery("""
                INSERT INTO event (project_id, environment, message_id, type, name, distinct_id, ts, received_at,
                                   source, properties, context)
                SELECT p, env, m, t, nm, d, ts, r, s, props::jsonb, ctx::jsonb
                FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::text[], $6::text[],
                            $7::timestamptz[], $8::timestamptz[], $9::smallint[], $10::text[], $11::text[])
                     AS u(p, env, m, t, nm, d, ts, r, s, props, ctx)""")
                .execute(Tuple.from(new Object[]{projects, environments, messages, types, names, distinctIds, times,
                        received, sources, properties, contexts}))
                .replaceWithVoid();
    }
}
