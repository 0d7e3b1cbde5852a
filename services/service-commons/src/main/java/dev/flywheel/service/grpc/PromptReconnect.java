package dev.flywheel.service.grpc;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ConnectivityState;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Keeps a client channel's reconnection prompt: grpc-java backs off exponentially between attempts (up to two minutes
 * after a long outage, during which every call fails fast although the server is back). Here a channel that is down
 * tries again every quarter second (a refused connection costs nothing), and at once when a call finds its server
 * unavailable (at most once per half second).
 */
public final class PromptReconnect implements ClientInterceptor {

    private static final long MIN_INTERVAL_NANOS = 500_000_000L;
    private static final Map<ManagedChannel, PromptReconnect> BY_CHANNEL = new WeakHashMap<>();

    private final ManagedChannel channel;
    private volatile long lastReset = System.nanoTime() - MIN_INTERVAL_NANOS;

    private PromptReconnect(ManagedChannel channel) {
        this.channel = channel;
    }

    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "grpc-prompt-reconnect");
        thread.setDaemon(true);
        return thread;
    });

    static {
        WATCH.scheduleWithFixedDelay(PromptReconnect::retryFailedChannels, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** The interceptor for the channel a stub calls through; null when it is not one we can reconnect. */
    public static synchronized ClientInterceptor of(Channel channel) {
        if (!(channel instanceof ManagedChannel managed)) {
            return null;
        }
        return BY_CHANNEL.computeIfAbsent(managed, PromptReconnect::new);
    }

    private static synchronized void retryFailedChannels() {
        BY_CHANNEL.keySet().forEach(channel -> {
            if (!channel.isShutdown() && channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
                channel.resetConnectBackoff();
            }
        });
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (status.getCode() == Status.Code.UNAVAILABLE) {
                            reconnect();
                        }
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }

    private void reconnect() {
        long now = System.nanoTime();
        long last = lastReset;
        if (now - last >= MIN_INTERVAL_NANOS) {
            lastReset = now;
            channel.resetConnectBackoff();
        }
    }
}
