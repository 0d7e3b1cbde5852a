package dev.flywheel.feedback.events;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.flywheel.feedback.config.FeedbackConfig;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.service.events.EventTopicPublisher;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Events are written to {@code event_outbox} in the transaction that records what they tell, sent to the event
 * topic once it commits, and deleted when Kafka acknowledges them. A relay sends whatever is left (Kafka down, a
 * crash between commit and send), so no event of an accepted answer is lost; one sent twice is stored once
 * (its message id).
 */
@ApplicationScoped
public class EventOutbox {

    public static final String EVENTS_TOPIC = EventTopicPublisher.EVENTS_TOPIC;
    private static final Logger LOG = Logger.getLogger(EventOutbox.class);
    private static final int RELAY_BATCH = 500;

    private final Pool pool;
    private final Vertx vertx;
    private final FeedbackConfig config;
    private final EventTopicPublisher publisher;
    private static final long CLEANUP_DELAY_MS = 100;
    private final AtomicBoolean relaying = new AtomicBoolean();
    private final AtomicBoolean cleanupScheduled = new AtomicBoolean();
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> acked = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public EventOutbox(Pool pool, Vertx vertx, FeedbackConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
        this.publisher = new EventTopicPublisher(bootstrapServers, "feedback", EventTopicPublisher.Tuning.of(
                Duration.ofMillis(5), Duration.ofSeconds(5), Duration.ofSeconds(30)));
    }

    void start(@Observes StartupEvent startup) {
        long every = config.outboxRelayInterval().toMillis();
        if (every > 0) {
            vertx.setPeriodic(every, id -> relay().subscribe().with(sent -> {
            }, failure -> LOG.warnf("outbox relay failed (retried): %s", failure.getMessage())));
        }
    }

    /** Writes the events in the caller's transaction; returns their outbox ids, for {@link #send} after commit. */
    public Uni<List<Long>> add(SqlConnection connection, List<Event> events) {
        List<Tuple> rows = new ArrayList<>();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (Event event : events) {
            rows.add(Tuple.of(Buffer.buffer(event.toByteArray()), now));
        }
        return connection.preparedQuery("INSERT INTO event_outbox (event, created_at) VALUES ($1, $2) RETURNING id")
                .executeBatch(rows).map(result -> {
                    List<Long> ids = new ArrayList<>();
                    for (var set = result; set != null; set = set.next()) {
                        for (Row row : set) {
                            ids.add(row.getLong(0));
                        }
                    }
                    return ids;
                });
    }

    /**
     * Sends committed events and deletes them once acknowledged; does not wait and never fails the caller (what
     * is not sent now, the relay sends).
     */
    public void send(List<Long> ids, List<Event> events) {
        publish(events).thenRun(() -> acknowledged(ids))
                .exceptionally(failure -> {
                    LOG.warnf("events left in the outbox for the relay: %s", failure.getMessage());
                    return null;
                });
    }

    /** Sends what has waited in the outbox longer than one relay interval; returns how many went. */
    public Uni<Integer> relay() {
        if (!relaying.compareAndSet(false, true)) {
            return Uni.createFrom().item(0);
        }
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(config.outboxRelayInterval());
        return pool.preparedQuery("SELECT id, event FROM event_outbox WHERE created_at < $1 ORDER BY id LIMIT $2")
                .execute(Tuple.of(before, RELAY_BATCH))
                .chain(rows -> {
                    List<Long> ids = new ArrayList<>();
                    List<Event> events = new ArrayList<>();
                    for (Row row : rows) {
                        try {
                            events.add(Event.parseFrom(row.getBuffer(1).getBytes()));
                            ids.add(row.getLong(0));
                        } catch (InvalidProtocolBufferException e) {
                            LOG.errorf("dropping an unreadable outbox row %d", row.getLong(0));
                            ids.add(row.getLong(0));
                        }
                    }
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return Uni.createFrom().completionStage(publish(events)).chain(() -> delete(ids))
                            .replaceWith(events.size());
                })
                .eventually(() -> relaying.set(false));
    }

    /**
     * Acknowledged rows are deleted together, a little later: one statement for many answers instead of one each
     * (what is not deleted yet is at worst sent again by the relay, and stored once).
     */
    private void acknowledged(List<Long> ids) {
        acked.addAll(ids);
        if (cleanupScheduled.compareAndSet(false, true)) {
            vertx.setTimer(CLEANUP_DELAY_MS, id -> {
                cleanupScheduled.set(false);
                List<Long> batch = new ArrayList<>();
                for (Long next = acked.poll(); next != null; next = acked.poll()) {
                    batch.add(next);
                }
                if (!batch.isEmpty()) {
                    delete(batch).subscribe().with(done -> {
                    }, failure -> LOG.debugf("outbox cleanup deferred: %s", failure.getMessage()));
                }
            });
        }
    }

    private Uni<Void> delete(List<Long> ids) {
        return pool.preparedQuery("DELETE FROM event_outbox WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(Long[]::new))).replaceWithVoid();
    }

    private CompletableFuture<Void> publish(List<Event> events) {
        return publisher.publish(events);
    }

    @PreDestroy
    void close() {
        publisher.close();
    }
}
