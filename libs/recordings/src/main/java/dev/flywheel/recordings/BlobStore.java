package dev.flywheel.recordings;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where recording chunks live: keys are '/'-separated paths of safe names ({@link BlobKeys}). Blocking: call it off
 * event loops.
 */
public interface BlobStore {

    /** Stores the bytes under the key, replacing any; durable when it returns. */
    void put(String key, byte[] bytes) throws IOException;

    /** The bytes under the key, or empty when there are none. */
    Optional<byte[]> get(String key) throws IOException;

    /** Deletes every blob whose key starts with the prefix (a folder: ends with '/'); returns how many. */
    int deleteAll(String prefix) throws IOException;

    /** The keys under the prefix, sorted. */
    List<String> list(String prefix) throws IOException;
}
