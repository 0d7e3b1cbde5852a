package dev.flywheel.gateway.people.service;

import java.time.Duration;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.config.ConsoleConfig;
import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.service.config.RedisKeyspace;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Slows password guessing (ADR 0011): attempts per client address per minute, and per account a lockout after a few
 * failures that doubles with each further one (1 s, 2 s, 4 s ... up to 15 min). Counted in Redis, so every replica
 * sees the same counts; answered 429 with Retry-After.
 */
@ApplicationScoped
public class SignInThrottle {

    private static final Duration FAILURE_MEMORY = Duration.ofMinutes(15);
    private static final long MAX_LOCKOUT_MILLIS = Duration.ofMinutes(15).toMillis();

    private final ReactiveRedisDataSource redis;
    private final RedisKeyspace keyspace;
    private final ConsoleConfig config;

    public SignInThrottle(ReactiveRedisDataSource redis, RedisKeyspace keyspace, ConsoleConfig config) {
        this.redis = redis;
        this.keyspace = keyspace;
        this.config = config;
    }

    /** Counts an attempt from the address and fails with 429 when it or the account is over its limit. */
    public Uni<Void> admit(String email, String address) {
        String perAddress = keyspace.key("gateway", "signin-address", address);
        return redis.value(String.class).incr(perAddress).flatMap(attempts -> {
            Uni<Void> expiry = attempts == 1
                    ? redis.key(String.class).pexpire(perAddress, Duration.ofMinutes(1)).replaceWithVoid()
                    : Uni.createFrom().voidItem();
            return expiry.flatMap(ignored -> attempts > config.signInsPerAddressPerMinute()
                    ? redis.key(String.class).pttl(perAddress).map(ttl -> refusal(
                            "Too many sign-in attempts from this address", ttl))
                    : redis.value(String.class).get(lockKey(email)).map(lockedUntil -> {
                        long left = lockedUntil == null ? 0 : Long.parseLong(lockedUntil) - System.currentTimeMillis();
                        return left > 0
                                ? refusal(
                                        "Too many failed sign-ins to this account; it is locked for a while", left)
                                : null;
                    }))
                    .map(refused -> {
                        if (refused != null) {
                            throw refused;
                        }
                        return null;
                    });
        });
    }

    /** A failed password: past the allowance, the account is locked for a doubling time. */
    public Uni<Void> failed(String email) {
        String failures = failuresKey(email);
        return redis.value(String.class).incr(failures)
                .call(count -> redis.key(String.class).pexpire(failures, FAILURE_MEMORY))
                .flatMap(count -> {
                    long over = count - config.failuresBeforeLockout();
                    if (over < 0) {
                        return Uni.createFrom().voidItem();
                    }
                    long lockout = Math.min(MAX_LOCKOUT_MILLIS, 1000L << Math.min(over, 20));
                    return redis.value(String.class).psetex(lockKey(email), lockout,
                            Long.toString(System.currentTimeMillis() + lockout));
                });
    }

    public Uni<Void> succeeded(String email) {
        return redis.key(String.class).del(failuresKey(email), lockKey(email)).replaceWithVoid();
    }

    private static ApiException refusal(String detail, long ttlMillis) {
        return ApiException.retryLater(ApiError.RATE_LIMITED, detail, Math.max(1, (ttlMillis + 999) / 1000));
    }

    private String failuresKey(String email) {
        return keyspace.key("gateway", "signin-failures", email.toLowerCase(Locale.ROOT));
    }

    private String lockKey(String email) {
        return keyspace.key("gateway", "signin-lock", email.toLowerCase(Locale.ROOT));
    }
}
