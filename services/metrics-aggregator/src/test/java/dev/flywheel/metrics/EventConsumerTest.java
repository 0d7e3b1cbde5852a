package dev.flywheel.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import dev.flywheel.metrics.messaging.EventConsumer;
import dev.flywheel.metrics.messaging.EventConsumerLoop;
import dev.flywheel.metrics.store.EventBatchWriter;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.testsupport.EmbeddedKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** The consumer against the real broker and database: exactly once in the store, whatever happens. */
@QuarkusTest
class EventConsumerTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @Inject
    Pool pool;

    @Inject
    EventBatchWriter writer;

    @Inject
    EventConsumer consumer;

    private static String environment(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void redeliveredEventsAreStoredOnceAndGarbageIsPassedOver() throws Exception {
        String environment = environment("redeliver");
        StoreQueries store = new StoreQueries(pool);
        try (EventFeed feed = new EventFeed("project-a", environment)) {
            Event.Builder[] first = new Event.Builder[10];
            for (int i = 0; i < first.length; i++) {
                first[i] = feed.track("user-" + (i % 5), i % 2 == 0 ? "Viewed" : "Clicked",
                        T0.plusSeconds(60L * i), Map.of("n", i));
            }
            feed.send(first);
            feed.sendGarbage(new byte[]{(byte) 0xff, 0x01, 0x02});
            feed.send(first); // a producer retry, or a replayed partition
            feed.send(feed.track("user-9", "Viewed", T0.plusSeconds(3600), Map.of()));
            store.awaitEvents(environment, 11);
        }
        assertEquals(11, store.number("SELECT sum(events) FROM event_count_daily WHERE environment = $1",
                environment));
        assertEquals(11, store.number("SELECT sum(events) FROM activity_daily WHERE environment = $1",
                environment));
        assertEquals(6, store.number("SELECT count(*) FROM first_seen WHERE environment = $1", environment));
        assertEquals(6, store.number("SELECT count(DISTINCT distinct_id) FROM activity_daily"
                + " WHERE environment = $1 AND name = 'Viewed'", environment));
    }

    @Test
    void replayingTheTopicFromTheStartChangesNothing() throws Exception {
        String environment = environment("replay");
        StoreQueries store = new StoreQueries(pool);
        try (EventFeed feed = new EventFeed("project-a", environment)) {
            for (int i = 0; i < 20; i++) {
                feed.send(feed.track("user-" + (i % 4), "Step " + (i % 3), T0.plusSeconds(3600L * i), Map.of()));
            }
            feed.send(feed.identify("anon-1", "user-1", T0, Map.of("plan", "pro")));
            store.awaitEvents(environment, 21);
            String before = store.rollups(environment);
            String links = store.text("SELECT string_agg(distinct_id || '>' || person_id, ',') FROM identity_link"
                    + " WHERE environment = $1", environment);

            consumer.replayFromStart();
            String markers = environment("replay-marker");
            try (EventFeed markerFeed = new EventFeed("project-a", markers)) {
                // Once a marker is stored on every partition, the replay has passed everything before it.
                int partitions = markerFeed.sendToEveryPartition(markerFeed.track("marker", "Marker", T0, Map.of()));
                store.awaitEvents(markers, partitions);
            }
            assertEquals(before, store.rollups(environment));
            assertEquals(21, store.events(environment));
            assertEquals(links, store.text("SELECT string_agg(distinct_id || '>' || person_id, ',')"
                    + " FROM identity_link WHERE environment = $1", environment));
        }
    }

    /** Stands for the process dying: nothing after it runs, offsets included. */
    static final class Killed extends Error {
        Killed() {
            super("killed", null, false, false);
        }
    }

    @Test
    void aConsumerKilledMidBatchLosesAndDuplicatesNothing() throws Exception {
        String environment = environment("kill");
        String topic = "flywheel.test.kill-" + UUID.randomUUID();
        String group = "kill-" + UUID.randomUUID();
        StoreQueries store = new StoreQueries(pool);
        try (EventFeed feed = new EventFeed("project-a", environment)) {
            for (int i = 0; i < 30; i++) {
                feed.send(topic, feed.track("user-" + (i % 7), "Viewed", T0.plusSeconds(60L * i), Map.of()));
            }
        }
        // The first consumer stores half of its first batch, then dies before the rest and before its offsets.
        EventConsumerLoop dying = loop(topic, group, store(events -> {
            writer.write(events.subList(0, events.size() / 2)).await().atMost(Duration.ofSeconds(30));
            throw new Killed();
        }));
        Thread first = new Thread(dying);
        first.setUncaughtExceptionHandler((t, e) -> {
        });
        first.start();
        first.join(30_000);
        long afterCrash = store.events(environment);
        assertTrue(afterCrash > 0 && afterCrash < 30, "the crash left a partly stored batch: " + afterCrash);

        // Its successor in the same group reads the batch again and stores only what is missing.
        EventConsumerLoop successor = loop(topic, group,
                store(events -> writer.write(events).await().atMost(Duration.ofSeconds(30))));
        Thread second = new Thread(successor);
        second.start();
        try {
            store.awaitEvents(environment, 30);
        } finally {
            successor.stop();
            second.join(30_000);
        }
        assertEquals(30, store.number("SELECT sum(events) FROM event_count_daily WHERE environment = $1",
                environment));
        assertEquals(30, store.number("SELECT sum(events) FROM activity_daily WHERE environment = $1",
                environment));
        assertEquals(7, store.number("SELECT count(*) FROM first_seen WHERE environment = $1", environment));
    }

    /** A store that writes batches with {@code write}, and one by one with the real writer when isolating. */
    private EventConsumerLoop.BatchStore store(Function<List<Event>, EventBatchWriter.Outcome> write) {
        return new EventConsumerLoop.BatchStore() {
            @Override
            public EventBatchWriter.Outcome store(List<Event> events) {
                return write.apply(events);
            }

            @Override
            public EventBatchWriter.Outcome storeEachAlone(List<Event> events) {
                return writer.writeEachAlone(events).await().atMost(Duration.ofSeconds(60));
            }
        };
    }

    @Test
    void unstorableEventsAreSetAsideAndABatchFailingAgainAndAgainIsStoredOneByOne() throws Exception {
        String environment = environment("poison");
        String topic = "flywheel.test.poison-" + UUID.randomUUID();
        StoreQueries store = new StoreQueries(pool);
        String longName;
        try (EventFeed feed = new EventFeed("project-a", environment)) {
            longName = "x".repeat(600);
            Event.Builder tooLong = feed.track("u1", longName, T0, Map.of());
            feed.send(topic, feed.track("u1", "Nul\u0000Name", T0, Map.of("note", "a\u0000b", "k\u0000", List.of(
                    "c\u0000"))), tooLong);
            for (int i = 0; i < 8; i++) {
                feed.send(topic, feed.track("u" + i, "Viewed", T0.plusSeconds(i), Map.of()));
            }
            // A store that refuses every batch: after three failures the loop stores each event on its own.
            int[] attempts = {0};
            EventConsumerLoop loop = loop(topic, "poison-" + UUID.randomUUID(), store(events -> {
                attempts[0]++;
                throw new IllegalStateException("this batch always fails");
            }));
            Thread thread = new Thread(loop);
            thread.start();
            try {
                store.awaitEvents(environment, 9);
            } finally {
                loop.stop();
                thread.join(30_000);
            }
            assertTrue(attempts[0] >= 3, "the batch was tried " + attempts[0] + " times before isolating");
            assertEquals(1, store.number("SELECT count(*) FROM rejected_event WHERE message_id = $1",
                    tooLong.getMessageId()));
            assertEquals("name_or_id_too_long", store.text("SELECT reason FROM rejected_event WHERE message_id = $1",
                    tooLong.getMessageId()));
            assertEquals("NulName", store.text("SELECT name FROM event WHERE environment = $1 AND name LIKE 'Nul%'",
                    environment));
            assertEquals("{\"k\": [\"c\"], \"note\": \"ab\"}", store.text(
                    "SELECT properties::text FROM event WHERE environment = $1 AND name = 'NulName'", environment));
        }
    }

    private static EventConsumerLoop loop(String topic, String group, EventConsumerLoop.BatchStore store) {
        KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(EventConsumer.properties(
                EmbeddedKafka.bootstrapServers(), group, 10));
        kafka.subscribe(List.of(topic));
        return new EventConsumerLoop(kafka, store, Duration.ofMillis(200), Duration.ofMillis(100),
                new EventConsumerLoop.ConsumerMetrics() {
                    @Override
                    public void batch(int records, EventBatchWriter.Outcome outcome) {
                    }

                    @Override
                    public void malformed(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
                    }

                    @Override
                    public void failed(Throwable failure) {
                    }
                });
    }
}
