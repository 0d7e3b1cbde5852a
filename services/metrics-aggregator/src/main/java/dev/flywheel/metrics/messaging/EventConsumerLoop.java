package dev.flywheel.metrics.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.flywheel.metrics.store.EventBatchWriter;
import dev.flywheel.proto.events.v1.Event;

/**
 * Poll, store, commit: the consumer's whole life on one thread. Offsets are committed only after the batch's
 * transaction committed; a failed batch is read again from its first offset after a backoff. Since the store is
 * idempotent, a crash between the database commit and the offset commit only means the batch is read twice and
 * stored once.
 */
public final class EventConsumerLoop implements Runnable {

    private static final Logger LOG = Logger.getLogger(EventConsumerLoop.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final Consumer<String, byte[]> consumer;
    private final BatchStore store;
    private final Duration pollTimeout;
    private final Duration initialBackoff;
    private final ConsumerMetrics metrics;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean rewind = new AtomicBoolean();

    /** Failures of one batch in a row before its events are stored one by one (see BatchStore#storeEachAlone). */
    static final int ATTEMPTS_BEFORE_ISOLATING = 3;

    /** Where batches go; each call returns once the batch is committed, and throws if it was not. */
    public interface BatchStore {
        EventBatchWriter.Outcome store(List<Event> events);

        /**
         * Stores the events, given their places in the topic (partition and offset, in the same order): a store that
         * cannot deduplicate by the events' ids recognises what it already holds by these.
         */
        default EventBatchWriter.Outcome store(List<Event> events, int[] partitions, long[] offsets) {
            return store(events);
        }

        /** Stores events one at a time, keeping any that fail alone aside with the reason. */
        EventBatchWriter.Outcome storeEachAlone(List<Event> events);

        /**
         * Whether a batch failing again and again is stored event by event, to set aside one that fails alone; a
         * store whose rows cannot fail one by one retries the whole batch.
         */
        default boolean isolatesFailures() {
            return true;
        }

        /** Whether the store is reachable now, as far as is known: a backoff ends early when it comes back. */
        default boolean available() {
            return true;
        }
    }

    /** Counts of what the loop did, for metrics and tests. */
    public interface ConsumerMetrics {
        void batch(int records, EventBatchWriter.Outcome outcome);

        void malformed(ConsumerRecord<String, byte[]> record);

        void failed(Throwable failure);
    }

    public EventConsumerLoop(Consumer<String, byte[]> consumer, BatchStore store, Duration pollTimeout,
            Duration initialBackoff, ConsumerMetrics metrics) {
        this.consumer = consumer;
        this.store = store;
        this.pollTimeout = pollTimeout;
        this.initialBackoff = initialBackoff;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        Duration backoff = initialBackoff;
        int failures = 0;
        try {
            while (running.get()) {
                if (rewind.compareAndSet(true, false)) {
                    consumer.seekToBeginning(consumer.assignment());
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                if (records.isEmpty()) {
                    continue;
                }
                if (storeBatch(records, failures >= ATTEMPTS_BEFORE_ISOLATING && store.isolatesFailures())) {
                    backoff = initialBackoff;
                    failures = 0;
                } else {
                    failures++;
                    rewindTo(records);
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                            ? MAX_BACKOFF
                            : backoff.multipliedBy(2);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean storeBatch(ConsumerRecords<String, byte[]> records, boolean isolate) {
        List<Event> events = new ArrayList<>(records.count());
        int[] partitions = new int[records.count()];
        long[] offsets = new long[records.count()];
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                Event event = Event.parseFrom(record.value());
                partitions[events.size()] = record.partition();
                offsets[events.size()] = record.offset();
                events.add(event);
            } catch (InvalidProtocolBufferException | NullPointerException e) {
                // Not an event and never will be: counted and logged with its position, then passed over.
                metrics.malformed(record);
                LOG.errorf("Skipping a record that is not an Event at %s-%d offset %d: %s", record.topic(),
                        record.partition(), record.offset(), e.getMessage());
            }
            next.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
        }
        EventBatchWriter.Outcome outcome;
        try {
            outcome = isolate
                    ? store.storeEachAlone(events)
                    : store.store(events, Arrays.copyOf(partitions, events.size()), Arrays.copyOf(offsets,
                            events.size()));
        } catch (RuntimeException e) {
            metrics.failed(e);
            LOG.warnf(e, "Storing %d events failed; they will be read again", events.size());
            return false;
        }
        try {
            consumer.commitSync(next);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // Stored already; whoever owns the partitions next reads the batch again and stores nothing twice.
            LOG.warnf("Committing offsets failed after the batch was stored: %s", e.getMessage());
        }
        metrics.batch(records.count(), outcome);
        return true;
    }

    /** Seeks every partition of the batch back to its first record, so the failed batch is read again. */
    private void rewindTo(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).get(0).offset());
        }
    }

    /**
     * Waits out the backoff, or less: when the batch failed because the store was down, it is retried as soon as the
     * store is back, rather than at the end of a backoff that grew during the outage.
     */
    private void sleep(Duration backoff) {
        long until = System.nanoTime() + backoff.toNanos();
        boolean storeWasDown = !store.available();
        try {
            while (running.get() && System.nanoTime() < until) {
                if (storeWasDown && store.available()) {
                    return;
                }
                Thread.sleep(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    /** Reads the topic again from its start (replays are idempotent: nothing is counted twice). */
    public void rewind() {
        rewind.set(true);
    }

    /** Stops after the batch in hand; safe from any thread. */
    public void stop() {
        running.set(false);
        consumer.wakeup();
    }
}
