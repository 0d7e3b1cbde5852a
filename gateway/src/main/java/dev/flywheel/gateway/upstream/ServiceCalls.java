package dev.flywheel.gateway.upstream;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.flywheel.service.grpc.PromptReconnect;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

/**
 * How the gateway calls a service: as the caller, with the caller's own key (ADR 0003), a deadline per call, and a
 * prompt reconnection once the service is back after an outage.
 */
public final class ServiceCalls {

    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private ServiceCalls() {
    }

    /** The stub for one call; a stub configured once would carry a single absolute deadline for its lifetime. */
    public static <S extends AbstractStub<S>> S as(S stub, String key) {
        return as(stub, key, CALL_DEADLINE);
    }

    /** As {@link #as(AbstractStub, String)}, for calls that may legitimately run longer (analytics queries). */
    public static <S extends AbstractStub<S>> S as(S stub, String key, Duration deadline) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + key);
        ClientInterceptor reconnect = PromptReconnect.of(stub.getChannel());
        S authorised = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        return (reconnect == null ? authorised : authorised.withInterceptors(reconnect))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
