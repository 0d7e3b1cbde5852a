package dev.flywheel.gateway.people.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.people.store.PeopleStore;
import io.smallrye.mutiny.Uni;

/**
 * The credential the gateway forwards to a service when a signed-in person manages a project (ADR 0011): services
 * authorise with keys, so the gateway — having checked the person's role itself — signs a short-lived admin
 * credential for that one project that names the person, and resolves it for services through AuthService, whose
 * answer carries the person as the audit actor. It never leaves the platform: the REST edge does not accept it.
 */
@ApplicationScoped
public class DelegatedCredentials {

    static final String PREFIX = "fw_person_";
    static final Duration LIFETIME = Duration.ofMinutes(10);
    /** A minted credential is reused this long, so a service's key cache answers the person's next calls. */
    private static final Duration REUSE = Duration.ofMinutes(5);
    private static final String KEY_NAME = "delegated-credentials";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

    /** What a verified credential says. */
    public record Delegation(UUID personId, String email, UUID organisationId, UUID projectId, Instant expiresAt) {
    }

    private record Minted(String token, Instant reuseUntil) {
    }

    private final PeopleStore store;
    private final Map<String, Minted> minted = new ConcurrentHashMap<>();
    private volatile byte[] secret;

    public DelegatedCredentials(PeopleStore store) {
        this.store = store;
    }

    public static boolean isDelegated(String token) {
        return token != null && token.startsWith(PREFIX);
    }

    public Uni<String> mint(UUID personId, String email, UUID organisationId, UUID projectId) {
        String cacheKey = personId + "/" + projectId;
        Minted reusable = minted.get(cacheKey);
        Instant now = Instant.now();
        if (reusable != null && now.isBefore(reusable.reuseUntil())) {
            return Uni.createFrom().item(reusable.token());
        }
        return secret().map(key -> {
            String payload = String.join("|", "v1", personId.toString(), organisationId.toString(),
                    projectId.toString(), Long.toString(now.plus(LIFETIME).getEpochSecond()), email);
            String body = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
            String token = PREFIX + body + "." + B64.encodeToString(sign(key, body));
            if (minted.size() > 10_000) {
                minted.clear();
            }
            minted.put(cacheKey, new Minted(token, now.plus(REUSE)));
            return token;
        });
    }

    /** The delegation a credential carries, or null when it is forged, malformed or expired. */
    public Uni<Delegation> verify(String token) {
        if (!isDelegated(token)) {
            return Uni.createFrom().nullItem();
        }
        return secret().map(key -> {
            String rest = token.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot < 0) {
                return null;
            }
            String body = rest.substring(0, dot);
            byte[] signature;
            String[] fields;
            try {
                signature = B64_DECODE.decode(rest.substring(dot + 1));
                fields = new String(B64_DECODE.decode(body), StandardCharsets.UTF_8).split("\\|", 6);
            } catch (IllegalArgumentException malformed) {
                return null;
            }
            if (!MessageDigest.isEqual(signature, sign(key, body)) || fields.length != 6 || !fields[0].equals("v1")) {
                return null;
            }
            Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(fields[4]));
            if (!Instant.now().isBefore(expiresAt)) {
                return null;
            }
            return new Delegation(UUID.fromString(fields[1]), fields[5], UUID.fromString(fields[2]),
                    UUID.fromString(fields[3]), expiresAt);
        });
    }

    private Uni<byte[]> secret() {
        byte[] loaded = secret;
        if (loaded != null) {
            return Uni.createFrom().item(loaded);
        }
        byte[] candidate = new byte[32];
        new SecureRandom().nextBytes(candidate);
        return store.signingKey(KEY_NAME, candidate).invoke(key -> secret = key);
    }

    private static byte[] sign(byte[] key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }
}
