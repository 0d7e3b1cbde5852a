package dev.flywheel.gateway.ingest.rest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;

/** Inflates gzip bodies with a cap on the inflated size, so a small bomb cannot fill the heap. */
final class Gzip {

    private Gzip() {
    }

    static byte[] inflate(byte[] compressed, int maxBytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, compressed.length * 8));
            byte[] buffer = new byte[16384];
            int read;
            while ((read = in.read(buffer)) != -1) {
                if (out.size() + read > maxBytes) {
                    throw new ApiException(ApiError.MALFORMED_REQUEST,
                            "batch_too_large: inflated body exceeds " + maxBytes + " bytes");
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ApiException(ApiError.MALFORMED_REQUEST, "invalid_gzip: " + e.getMessage());
        }
    }
}
