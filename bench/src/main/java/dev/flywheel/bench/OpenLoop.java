package dev.flywheel.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.HdrHistogram.ConcurrentHistogram;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * Open-loop load: calls start at a fixed rate whatever the server's speed, and each latency is measured from when
 * the call was due, so a stalled server is not hidden (no coordinated omission).
 */
final class OpenLoop {

    /** How a call ended. */
    enum Outcome {
        OK, REJECTED, FAILED
    }

    /** Starts call number {@code index}; reports its outcome once, from any thread. */
    interface Call {
        void start(long index, Consumer<Outcome> done);
    }

    record Result(long sent, long ok, long rejected, long failed, ConcurrentHistogram latencyMicros) {
    }

    private OpenLoop() {
    }

    /**
     * A gRPC response observer that reports the call's outcome: OK when it completes, FAILED on an error (the first
     * error is printed, so a run that fails says why). RESOURCE_EXHAUSTED counts as REJECTED: the server shed load.
     */
    static <T> StreamObserver<T> outcome(Consumer<Outcome> done, AtomicBoolean reported) {
        return new StreamObserver<T>() {
            @Override
            public void onNext(T value) {
            }

            @Override
            public void onError(Throwable t) {
                if (Status.fromThrowable(t).getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                    done.accept(Outcome.REJECTED);
                    return;
                }
                if (reported.compareAndSet(false, true)) {
                    System.err.println("first error: " + t);
                }
                done.accept(Outcome.FAILED);
            }

            @Override
            public void onCompleted() {
                done.accept(Outcome.OK);
            }
        };
    }

    /** What calls came to, counted from any thread; {@link #awaitDrained()} waits for the ones still out. */
    private static final class Tally {
        final ConcurrentHistogram latencies = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        final AtomicLong sent = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong inFlight = new AtomicLong();

        /** Starts call {@code index}; its latency is counted from {@code from} (System.nanoTime). */
        void start(Call call, long index, long from, Runnable after) {
            sent.incrementAndGet();
            inFlight.incrementAndGet();
            call.start(index, outcome -> {
                latencies.recordValue(Math.max(0, (System.nanoTime() - from) / 1000));
                (outcome == Outcome.OK ? ok : outcome == Outcome.REJECTED ? rejected : failed).incrementAndGet();
                inFlight.decrementAndGet();
                after.run();
            });
        }

        Result awaitDrained() throws InterruptedException {
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (inFlight.get() > 0 && System.nanoTime() < drainDeadline) {
                Thread.sleep(10);
            }
            return new Result(sent.get(), ok.get(), rejected.get(), failed.get(), latencies);
        }
    }

    static Result run(int rate, int seconds, Call call) throws InterruptedException {
        Tally tally = new Tally();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            tally.start(call, i, due, () -> {
            });
        }
        return tally.awaitDrained();
    }

    /**
     * Closed loop: {@code concurrency} calls always outstanding (a new one starts when one ends) for {@code seconds};
     * latency from each call's start. Gives the throughput the server sustains at that concurrency.
     */
    static Result closed(int concurrency, int seconds, Call call) throws InterruptedException {
        Tally tally = new Tally();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Runnable next = new Runnable() {
            @Override
            public void run() {
                if (System.nanoTime() - end < 0) {
                    tally.start(call, tally.sent.get(), System.nanoTime(), this);
                }
            }
        };
        for (int i = 0; i < concurrency; i++) {
            next.run();
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Math.max(0, end - System.nanoTime())));
        return tally.awaitDrained();
    }

    /** Prints the counts and the latency percentiles; {@code rejectedLabel} names answers that were not OK. */
    static void print(Result result, int seconds, String rejectedLabel) {
        ConcurrentHistogram h = result.latencyMicros();
        System.out.printf("sent=%d ok=%d %s=%d errors=%d achieved=%.0f req/s%n", result.sent(), result.ok(),
                rejectedLabel, result.rejected(), result.failed(), result.ok() / (double) seconds);
        System.out.printf("latency_us p50=%d p90=%d p99=%d p99.9=%d max=%d%n", h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
