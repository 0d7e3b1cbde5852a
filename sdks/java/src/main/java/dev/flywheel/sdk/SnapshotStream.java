package dev.flywheel.sdk;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

/**
 * One server stream of snapshots, kept open: every message goes to {@code onSnapshot} (on a gRPC thread), and a
 * stream that breaks or ends is opened again with backoff (the longest wait when the key is refused).
 */
final class SnapshotStream<R> {

    /** Opens the stream with the observer (e.g. {@code observer -> stub.syncFlags(request, observer)}). */
    interface Opener<R> {
        void open(StreamObserver<R> observer);
    }

    private final String what;
    private final Opener<R> opener;
    private final Consumer<R> onSnapshot;
    private final Consumer<SdkProblem> problems;
    private final ScheduledExecutorService scheduler;
    private final Duration min;
    private final Duration max;
    private volatile boolean closed;
    private volatile ClientCallStreamObserver<?> current;
    private long nextWaitMillis;

    SnapshotStream(String what, Opener<R> opener, Consumer<R> onSnapshot, Consumer<SdkProblem> problems,
            ScheduledExecutorService scheduler, Duration min, Duration max) {
        this.what = what;
        this.opener = opener;
        this.onSnapshot = onSnapshot;
        this.problems = problems;
        this.scheduler = scheduler;
        this.min = min;
        this.max = max;
        this.nextWaitMillis = min.toMillis();
    }

    void start() {
        if (closed) {
            return;
        }
        opener.open(new ClientResponseObserver<Object, R>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<Object> call) {
                current = call;
            }

            @Override
            public void onNext(R snapshot) {
                nextWaitMillis = min.toMillis();
                onSnapshot.accept(snapshot);
            }

            @Override
            public void onError(Throwable failure) {
                Status status = Status.fromThrowable(failure);
                if (closed || status.getCode() == Status.Code.CANCELLED && closed) {
                    return;
                }
                boolean refused = status.getCode() == Status.Code.UNAUTHENTICATED
                        || status.getCode() == Status.Code.PERMISSION_DENIED;
                problems.accept(new SdkProblem(refused ? SdkProblem.Kind.KEY_REFUSED : SdkProblem.Kind.SYNC_UNAVAILABLE,
                        what + " stream: " + status.getCode() + " " + status.getDescription()
                                + "; serving the last snapshot and reconnecting",
                        failure));
                reconnect(refused ? max.toMillis() : backoff());
            }

            @Override
            public void onCompleted() {
                // the service is stopping or rebalancing: reconnect soon, to another replica if there is one
                reconnect(min.toMillis());
            }
        });
    }

    private long backoff() {
        long wait = nextWaitMillis;
        nextWaitMillis = Math.min(max.toMillis(), nextWaitMillis * 2);
        // jitter, so replicas that lost the same server do not all come back at once
        return wait / 2 + (long) (Math.random() * (wait / 2 + 1));
    }

    private void reconnect(long waitMillis) {
        if (!closed) {
            scheduler.schedule(this::start, waitMillis, TimeUnit.MILLISECONDS);
        }
    }

    void close() {
        closed = true;
        ClientCallStreamObserver<?> call = current;
        if (call != null) {
            call.cancel("the client is closing", null);
        }
    }
}
