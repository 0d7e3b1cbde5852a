package dev.flywheel.service.grpc;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;

/**
 * Caps every status description a service sends. A message that quotes its input (a 64 KB experiment key in "does
 * not exist") would otherwise put the input in the trailers, where it exceeds what clients accept as headers and
 * breaks the HTTP/2 connection for the calls that share it.
 */
@ApplicationScoped
@GlobalInterceptor
public class BoundedErrorDetails implements ServerInterceptor {

    /** Longer than any message we write about bounded input; far below clients' 8 KiB header limits. */
    static final int MAX_DESCRIPTION = 1024;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                super.close(bounded(status), trailers);
            }
        }, headers);
    }

    static Status bounded(Status status) {
        String description = status.getDescription();
        if (description == null || description.length() <= MAX_DESCRIPTION) {
            return status;
        }
        return status.withDescription(description.substring(0, MAX_DESCRIPTION - 1) + "…");
    }
}
