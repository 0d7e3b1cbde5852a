package dev.flywheel.events.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;

/** Carries the caller's "authorization: Bearer <key>" metadata (or "x-api-key") into the call's context. */
@ApplicationScoped
@GlobalInterceptor
public class CallerKeyInterceptor implements ServerInterceptor {

    public static final Context.Key<String> CALLER_KEY = Context.key("flywheel-caller-key");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String key = null;
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            key = authorization.substring(BEARER.length()).trim();
        } else if (headers.get(API_KEY) != null) {
            key = headers.get(API_KEY).trim();
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER_KEY, key), call, headers, next);
    }
}
