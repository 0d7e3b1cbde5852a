package dev.flywheel.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.IngestBatchRequest;
import dev.flywheel.proto.events.v1.IngestResponse;
import dev.flywheel.proto.events.v1.IngestServiceGrpc.IngestServiceFutureStub;
import io.grpc.Status;

/**
 * Events on their way to the event-collector: held in a bounded buffer (offering never blocks; when it is full the
 * event is dropped and counted), sent in batches, one batch in flight at a time, every flush interval or as soon as a
 * batch fills. A batch that fails retryably (unavailable, overloaded, timed out) is sent again with backoff, up to the
 * attempt limit; each event's message id makes a resend harmless (the ingest keeps one per project and id).
 */
final class EventSender {

    private static final long DEADLINE_MILLIS = 10_000;

    private final IngestServiceFutureStub ingest;
    private final ScheduledExecutorService scheduler;
    private final Consumer<SdkProblem> problems;
    private final ArrayBlockingQueue<Event> buffer;
    private final int batchSize;
    private final int maxAttempts;
    private final AtomicBoolean sending = new AtomicBoolean();
    private final Queue<CompletableFuture<Void>> flushes = new ConcurrentLinkedQueue<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();

    EventSender(IngestServiceFutureStub ingest, ScheduledExecutorService scheduler, FlywheelOptions options) {
        this.ingest = ingest;
        this.scheduler = scheduler;
        this.problems = options.problems;
        this.buffer = new ArrayBlockingQueue<>(options.eventBufferSize);
        this.batchSize = options.eventBatchSize;
        this.maxAttempts = options.maxSendAttempts;
        long interval = options.flushInterval.toMillis();
        scheduler.scheduleWithFixedDelay(this::sendNext, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Buffers an event; false (and reported) when the buffer is full. */
    boolean offer(Event event) {
        if (!buffer.offer(event)) {
            if (dropped.incrementAndGet() % 1000 == 1) {
                problems.accept(new SdkProblem(SdkProblem.Kind.EVENTS_DROPPED, "the event buffer is full ("
                        + buffer.size() + "): " + dropped.get() + " events dropped so far", null));
            }
            return false;
        }
        if (buffer.size() >= batchSize && !sending.get()) {
            scheduler.execute(this::sendNext);
        }
        return true;
    }

    /** Whether an event offered now would be kept. */
    boolean hasRoom() {
        return buffer.remainingCapacity() > 0;
    }

    /** Completes once everything buffered now was sent (or given up on). */
    CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        flushes.add(done);
        scheduler.execute(this::sendNext);
        return done;
    }

    long sent() {
        return sent.get();
    }

    long dropped() {
        return dropped.get();
    }

    private void sendNext() {
        if (!sending.compareAndSet(false, true)) {
            return;
        }
        List<Event> batch = new ArrayList<>(Math.min(batchSize, buffer.size()));
        buffer.drainTo(batch, batchSize);
        if (batch.isEmpty()) {
            sending.set(false);
            CompletableFuture<Void> waiting;
            while ((waiting = flushes.poll()) != null) {
                waiting.complete(null);
            }
            return;
        }
        send(IngestBatchRequest.newBuilder().addAllEvents(batch).build(), 1);
    }

    private void send(IngestBatchRequest batch, int attempt) {
        Futures.addCallback(ingest.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS).ingestBatch(batch),
                new FutureCallback<IngestResponse>() {
                    @Override
                    public void onSuccess(IngestResponse response) {
                        sent.addAndGet(response.getAccepted() + response.getDuplicates());
                        if (response.getRejected() > 0) {
                            dropped.addAndGet(response.getRejected());
                            problems.accept(new SdkProblem(SdkProblem.Kind.EVENTS_DROPPED, response.getRejected()
                                    + " events rejected by the collector, the first: "
                                    + response.getRejections(0).getReason() + " "
                                    + response.getRejections(0).getDetail(), null));
                        }
                        next();
                    }

                    @Override
                    public void onFailure(Throwable failure) {
                        Status.Code code = Status.fromThrowable(failure).getCode();
                        boolean retryable = code == Status.Code.UNAVAILABLE || code == Status.Code.RESOURCE_EXHAUSTED
                                || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.ABORTED
                                || code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN;
                        if (retryable && attempt < maxAttempts) {
                            long wait = Math.min(30_000, 200L << Math.min(attempt, 8));
                            scheduler.schedule(() -> send(batch, attempt + 1), wait, TimeUnit.MILLISECONDS);
                            return;
                        }
                        dropped.addAndGet(batch.getEventsCount());
                        problems.accept(new SdkProblem(SdkProblem.Kind.EVENTS_DROPPED, batch.getEventsCount()
                                + " events dropped after " + attempt + " attempts: " + code, failure));
                        next();
                    }
                }, MoreExecutors.directExecutor());
    }

    private void next() {
        sending.set(false);
        scheduler.execute(this::sendNext);
    }
}
