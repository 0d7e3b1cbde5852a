package dev.flywheel.recordings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** What every blob store does, whatever keeps the bytes: each store's test runs these against the real thing. */
abstract class BlobStoreContract {

    /** The store under test, empty or not (keys are new per test). */
    abstract BlobStore store() throws Exception;

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void storesReplacesListsAndDeletesBlobsUnderAPrefix() throws Exception {
        BlobStore store = store();
        String project = UUID.randomUUID().toString();
        String first = BlobKeys.chunk(project, "production", "session-0001", "window-0001", 0);
        String second = BlobKeys.chunk(project, "production", "session-0001", "window-0001", 1);
        String other = BlobKeys.chunk(project, "production", "session-0002", "window-0001", 0);
        assertEquals("recordings/" + project + "/production/session-0001/window-0001/0000000000", first);
        store.put(second, bytes("two"));
        store.put(first, bytes("one"));
        store.put(first, bytes("one again"));
        store.put(other, bytes("other"));
        assertArrayEquals(bytes("one again"), store.get(first).orElseThrow());
        assertTrue(store.get(BlobKeys.chunk(project, "production", "session-0001", "window-0001", 9)).isEmpty());
        assertEquals(List.of(first, second), store.list(BlobKeys.session(project, "production", "session-0001")));
        assertEquals(3, store.list("recordings/" + project + "/production/").size());
        assertEquals(2, store.deleteAll(BlobKeys.session(project, "production", "session-0001")));
        assertEquals(List.of(), store.list(BlobKeys.session(project, "production", "session-0001")));
        assertEquals(List.of(other), store.list("recordings/" + project + "/production/"));
        assertEquals(0, store.deleteAll("recordings/" + UUID.randomUUID() + "/"));
    }

    @Test
    void keepsLargeBlobsAndManyOfThem() throws Exception {
        BlobStore store = store();
        String project = UUID.randomUUID().toString();
        byte[] large = new byte[1 << 20];
        new java.util.Random(7).nextBytes(large);
        String key = BlobKeys.chunk(project, "production", "session-large", "window-0001", 0);
        store.put(key, large);
        assertArrayEquals(large, store.get(key).orElseThrow());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            keys.add(BlobKeys.chunk(project, "production", "session-many", "window-0001", i));
            store.put(keys.get(i), bytes("chunk " + i));
        }
        assertEquals(keys, store.list(BlobKeys.session(project, "production", "session-many")));
        assertEquals(1_100, store.deleteAll(BlobKeys.session(project, "production", "session-many")));
    }

    @Test
    void refusesKeysThatLeaveTheStore() throws Exception {
        BlobStore store = store();
        for (String key : List.of("../outside", "recordings/../../x", "/etc/passwd", "a//b", "", "a/./b",
                "a\\b")) {
            assertThrows(IllegalArgumentException.class, () -> store.put(key, bytes("x")), key);
        }
    }
}
