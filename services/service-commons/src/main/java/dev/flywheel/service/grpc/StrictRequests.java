package dev.flywheel.service.grpc;

import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.BinaryLog;
import io.grpc.Channel;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.grpc.VertxServerBuilder;

/**
 * Makes the dedicated gRPC servers (flagd's 8013, assignment's 9083, the gateway's internal port) answer a request that
 * is not a valid protobuf message with INVALID_ARGUMENT. grpc-java parses a request before any interceptor sees it, and
 * a parse failure there becomes UNKNOWN with a stack trace logged per call. Its only per-method hook that runs before
 * parsing is the binary-log wrapper, so this is installed as one (it logs nothing per call): the parser never throws,
 * an unreadable message arrives as null, and the call is closed with a clear status and at most one log line a
 * minute. (The shared HTTP servers already answer INTERNAL without logging.)
 */
@ApplicationScoped
public class StrictRequests extends BinaryLog implements ServerBuilderCustomizer<VertxServerBuilder> {

    private static final Logger LOG = Logger.getLogger(StrictRequests.class);
    private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;
    private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private static final AtomicLong unreadable = new AtomicLong();

    private final Map<MethodDescriptor<?, ?>, MethodDescriptor<?, ?>> tolerant = new ConcurrentHashMap<>();

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.setBinaryLog(this);
    }

    @Override
    public <Q, R> ServerMethodDefinition<?, ?> wrapMethodDefinition(ServerMethodDefinition<Q, R> method) {
        @SuppressWarnings("unchecked")
        MethodDescriptor<Q, R> descriptor = (MethodDescriptor<Q, R>) tolerant.computeIfAbsent(
                method.getMethodDescriptor(), original -> tolerantOf(method.getMethodDescriptor()));
        ServerCallHandler<Q, R> handler = method.getServerCallHandler();
        return ServerMethodDefinition.create(descriptor,
                (call, headers) -> new RefuseUnreadable<>(call, handler.startCall(call, headers)));
    }

    @Override
    public Channel wrapChannel(Channel channel) {
        return channel;
    }

    @Override
    public void close() {
        // nothing is held open
    }

    private static <Q, R> MethodDescriptor<Q, R> tolerantOf(MethodDescriptor<Q, R> original) {
        return original.toBuilder(new NullOnFailure<>(original.getRequestMarshaller()),
                original.getResponseMarshaller()).build();
    }

    /** How many unreadable requests this process refused (for tests and diagnostics). */
    public static long unreadableRequests() {
        return unreadable.get();
    }

    private static final class NullOnFailure<Q> implements MethodDescriptor.Marshaller<Q> {
        private final MethodDescriptor.Marshaller<Q> delegate;

        NullOnFailure(MethodDescriptor.Marshaller<Q> delegate) {
            this.delegate = delegate;
        }

        @Override
        public InputStream stream(Q value) {
            return delegate.stream(value);
        }

        @Override
        public Q parse(InputStream stream) {
            try {
                return delegate.parse(stream);
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    private static final class RefuseUnreadable<Q, R>
            extends
                ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private boolean refused;

        RefuseUnreadable(ServerCall<Q, R> call, ServerCall.Listener<Q> listener) {
            super(listener);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            if (refused) {
                return;
            }
            if (message == null) {
                refused = true;
                unreadable.incrementAndGet();
                logRarely(call.getMethodDescriptor().getFullMethodName());
                call.close(Status.INVALID_ARGUMENT.withDescription("the request is not a valid "
                        + call.getMethodDescriptor().getFullMethodName() + " message"), new Metadata());
                return;
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                super.onHalfClose();
            }
        }
    }

    private static void logRarely(String method) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.warnf("Refused a request that is not a valid protobuf message (%s; %d so far, logged once a minute)",
                    method, unreadable.get());
        }
    }
}
