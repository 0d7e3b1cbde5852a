package dev.flywheel.recordings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest {

    @TempDir
    Path root;

    @Test
    void storesReplacesListsAndDeletesBlobsUnderAPrefix() throws Exception {
        BlobStore store = new FileSystemBlobStore(root.resolve("blobs"));
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
        // no temporary files are left behind
        try (var files = Files.walk(root)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
        assertEquals(2, store.deleteAll(BlobKeys.session(project, "production", "session-0001")));
        assertEquals(List.of(), store.list(BlobKeys.session(project, "production", "session-0001")));
        assertFalse(Files.exists(root.resolve("blobs/recordings/" + project + "/production/session-0001")));
        assertEquals(List.of(other), store.list("recordings/" + project + "/production/"));
        assertEquals(0, store.deleteAll("recordings/" + UUID.randomUUID() + "/"));
    }

    @Test
    void refusesKeysThatLeaveTheStore() throws Exception {
        BlobStore store = new FileSystemBlobStore(root);
        for (String key : List.of("../outside", "recordings/../../x", "/etc/passwd", "a//b", "", "a/./b",
                "a\\b")) {
            assertThrows(IllegalArgumentException.class, () -> store.put(key, bytes("x")), key);
        }
        assertThrows(InvalidChunkException.class, () -> BlobKeys.session("p", "production", "../../../etc"));
        assertThrows(IllegalArgumentException.class, () -> BlobKeys.session("../p", "production", "session-0001"));
        assertFalse(BlobKeys.safe(".."));
        assertTrue(BlobKeys.safe("recordings/a/b.json.gz"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
