package dev.flywheel.gateway.keys.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

import dev.flywheel.gateway.caller.KeyKind;

/**
 * The shape of API keys: {@code fw_<kind>_<32 base62 characters>} (about 190 random bits). Only a SHA-256 of a key
 * is stored; a slow password hash is unnecessary for secrets this long, and lookups stay one index probe.
 */
public final class ApiKeyTokens {

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int SECRET_LENGTH = 32;
    private static final int DISPLAYED_SECRET_CHARS = 4;
    private static final Pattern SHAPE = Pattern.compile("fw_(client|server|admin)_[0-9A-Za-z]{" + SECRET_LENGTH
            + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyTokens() {
    }

    public static String generate(KeyKind kind) {
        StringBuilder token = new StringBuilder("fw_").append(kind.wireName()).append('_');
        for (int i = 0; i < SECRET_LENGTH; i++) {
            token.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return token.toString();
    }

    /** Whether a presented token could be a Flywheel key at all; anything else is rejected without a lookup. */
    public static boolean wellFormed(String token) {
        return token != null && SHAPE.matcher(token).matches();
    }

    /** Hex SHA-256 of the token: the only form in which keys are stored and cached. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** What lists show so people can tell keys apart: the kind prefix and the first secret characters. */
    public static String displayPrefix(String token) {
        int secretStart = token.lastIndexOf('_') + 1;
        return token.substring(0, secretStart + DISPLAYED_SECRET_CHARS);
    }
}
