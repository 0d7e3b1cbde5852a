package dev.flywheel.service.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * A Lua script run by its SHA-1 (EVALSHA), so hot paths do not resend and rehash the script on every call; when
 * Redis does not know it yet (first use, restart, SCRIPT FLUSH) it is sent once with EVAL.
 */
public final class RedisScript {

    private final String source;
    private final String sha;

    public RedisScript(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JVM", e);
        }
    }

    /** Runs the script with {@code keys} then {@code args}. */
    public Uni<Response> run(ReactiveRedisDataSource redis, String[] keys, String... args) {
        String[] shaCall = arguments(sha, keys, args);
        return redis.execute("EVALSHA", shaCall)
                .onFailure(failure -> failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> redis.execute("EVAL", arguments(source, keys, args)));
    }

    private static String[] arguments(String script, String[] keys, String[] args) {
        String[] all = new String[2 + keys.length + args.length];
        all[0] = script;
        all[1] = Integer.toString(keys.length);
        System.arraycopy(keys, 0, all, 2, keys.length);
        System.arraycopy(args, 0, all, 2 + keys.length, args.length);
        return all;
    }
}
