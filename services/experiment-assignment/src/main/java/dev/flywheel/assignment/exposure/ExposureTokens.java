package dev.flywheel.assignment.exposure;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.flywheel.assignment.config.AssignmentConfig;
import dev.flywheel.assignment.repository.ExposureTokenKeyStore;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.ExposureProperties;
import dev.flywheel.proto.experiments.v1.ExposureTicket;
import io.smallrye.mutiny.Uni;

/**
 * Exposure tokens: an assignment made with deferred exposures carries its exposure, signed, so the client records it
 * when the user sees the variation, and can neither invent one nor change the variation it names.
 */
@ApplicationScoped
public class ExposureTokens {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String ALGORITHM = "HmacSHA256";
    /** Far above any real token (a few hundred bytes), so a huge string is refused before it is decoded. */
    private static final int MAX_TOKEN_CHARS = 4096;

    private final ExposureTokenKeyStore keys;
    private final Duration lifetime;
    private volatile SecretKeySpec key;

    public ExposureTokens(ExposureTokenKeyStore keys, AssignmentConfig config) {
        this.keys = keys;
        this.lifetime = config.exposureTokenLifetime();
    }

    /** A token for one exposure of the scope's environment. */
    public String issue(SecretKeySpec key, Scope scope, ExposureProperties exposure, long nowMillis) {
        byte[] ticket = ExposureTicket.newBuilder().setProjectId(scope.getProjectId())
                .setEnvironment(scope.getEnvironment()).setExposure(exposure).setIssuedAtMillis(nowMillis)
                .build().toByteArray();
        return ENCODER.encodeToString(ticket) + "." + ENCODER.encodeToString(mac(key, ticket));
    }

    /** The signing key, loaded once. */
    public Uni<SecretKeySpec> key() {
        SecretKeySpec loaded = key;
        if (loaded != null) {
            return Uni.createFrom().item(loaded);
        }
        return keys.key().map(bytes -> {
            SecretKeySpec spec = new SecretKeySpec(bytes, ALGORITHM);
            key = spec;
            return spec;
        });
    }

    /**
     * The exposure a token records, if the service signed it for this environment within the tokens' lifetime.
     *
     * @throws IllegalArgumentException
     *             saying what is wrong with the token
     */
    public ExposureProperties verify(SecretKeySpec key, String token, Scope scope, long nowMillis) {
        int dot = token.indexOf('.');
        if (token.length() > MAX_TOKEN_CHARS || dot <= 0 || dot != token.lastIndexOf('.')) {
            throw new IllegalArgumentException("is not an exposure token");
        }
        byte[] ticketBytes;
        byte[] signature;
        try {
            ticketBytes = DECODER.decode(token.substring(0, dot));
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not an exposure token");
        }
        if (!MessageDigest.isEqual(mac(key, ticketBytes), signature)) {
            throw new IllegalArgumentException("was not issued by this service (its signature does not match)");
        }
        ExposureTicket ticket;
        try {
            ticket = ExposureTicket.parseFrom(ticketBytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("is not an exposure token");
        }
        if (!ticket.getProjectId().equals(scope.getProjectId())
                || !ticket.getEnvironment().equals(scope.getEnvironment())) {
            throw new IllegalArgumentException("was issued to another environment");
        }
        if (nowMillis - ticket.getIssuedAtMillis() > lifetime.toMillis()) {
            throw new IllegalArgumentException("has expired (tokens live " + lifetime + "); assign the user again");
        }
        return ticket.getExposure();
    }

    private static byte[] mac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }
}
