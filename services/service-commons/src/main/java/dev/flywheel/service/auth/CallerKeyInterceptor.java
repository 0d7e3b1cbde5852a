package dev.flywheel.service.auth;

import java.net.SocketAddress;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;

/**
 * Carries the caller's API key into the call's context. The key comes from "authorization: Bearer <key>",
 * "x-api-key", or, for unmodified OpenFeature flagd providers that can only set a selector, "flagd-selector"
 * (see ADR 0003): either the bare key or "flagSetId=<key>".
 */
@ApplicationScoped
@GlobalInterceptor
public class CallerKeyInterceptor implements ServerInterceptor {

    /** The presented key; null when none was sent. */
    public static final Context.Key<String> CALLER_KEY = Context.key("flywheel-caller-key");
    /** The caller's connection (its remote address), so calls on one connection can be related; null if unknown. */
    public static final Context.Key<String> CONNECTION = Context.key("flywheel-caller-connection");
    /** Why the presented credentials could not be read (a malformed selector); null when they could. */
    public static final Context.Key<String> CREDENTIAL_PROBLEM = Context.key("flywheel-credential-problem");

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> SELECTOR = Metadata.Key.of("flagd-selector",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String key = null;
        String problem = null;
        String authorization = headers.get(AUTHORIZATION);
        String apiKey = headers.get(API_KEY);
        String selector = headers.get(SELECTOR);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            key = authorization.substring(BEARER.length()).trim();
        } else if (apiKey != null) {
            key = apiKey.trim();
        } else if (selector != null) {
            key = keyFromSelector(selector);
            if (key == null) {
                problem = "invalid flagd-selector: expected 'flagSetId=<server key>' or the key itself";
            }
        }
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        Context context = Context.current().withValues(CALLER_KEY, key, CREDENTIAL_PROBLEM, problem, CONNECTION,
                remote == null ? null : remote.toString());
        return Contexts.interceptCall(context, call, headers, next);
    }

    /**
     * Reads "flagSetId=<key>" (other comma-separated selector terms are ignored) or a bare key; null when the selector
     * names no key.
     */
    public static String keyFromSelector(String selector) {
        String trimmed = selector.trim();
        if (trimmed.isEmpty()) {
            return null;
        }
        if (trimmed.indexOf('=') < 0) {
            return trimmed.indexOf(',') < 0 && trimmed.indexOf(' ') < 0 ? trimmed : null;
        }
        for (String term : trimmed.split(",")) {
            int eq = term.indexOf('=');
            if (eq < 0) {
                return null;
            }
            if (term.substring(0, eq).trim().equals("flagSetId")) {
                String value = term.substring(eq + 1).trim();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }
}
