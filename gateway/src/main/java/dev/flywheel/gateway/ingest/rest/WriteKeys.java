package dev.flywheel.gateway.ingest.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Where Segment-compatible clients put their write key: Basic auth (with or without ":"), a header, or Bearer. */
final class WriteKeys {

    private static final String BASIC = "Basic ";
    private static final String BEARER = "Bearer ";

    private WriteKeys() {
    }

    /** The key from the request's headers, or null (then the body's "writeKey" may hold it). */
    static String fromHeaders(String authorization, String writeKeyHeader) {
        if (authorization != null) {
            if (authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
                String decoded = decodeBasic(authorization.substring(BASIC.length()).trim());
                if (decoded != null) {
                    int colon = decoded.indexOf(':');
                    String user = colon < 0 ? decoded : decoded.substring(0, colon);
                    if (!user.isBlank()) {
                        return user.trim();
                    }
                }
            } else if (authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                String token = authorization.substring(BEARER.length()).trim();
                if (!token.isEmpty()) {
                    return token;
                }
            }
        }
        return writeKeyHeader == null || writeKeyHeader.isBlank() ? null : writeKeyHeader.trim();
    }

    private static String decodeBasic(String encoded) {
        try {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }
}
