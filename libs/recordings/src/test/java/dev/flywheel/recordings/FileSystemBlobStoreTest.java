package dev.flywheel.recordings;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path root;

    @Override
    BlobStore store() throws Exception {
        return new FileSystemBlobStore(root.resolve("blobs"));
    }

    @Test
    void leavesNoTemporaryFilesNorEmptyFoldersBehind() throws Exception {
        BlobStore store = store();
        String project = UUID.randomUUID().toString();
        store.put(BlobKeys.chunk(project, "production", "session-0001", "window-0001", 0), bytes("x"));
        try (var files = Files.walk(root)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
        store.deleteAll(BlobKeys.session(project, "production", "session-0001"));
        assertFalse(Files.exists(root.resolve("blobs/recordings/" + project + "/production/session-0001")));
    }

    @Test
    void idsThatAreNotSafeNamesAreRefused() {
        assertThrows(InvalidChunkException.class, () -> BlobKeys.session("p", "production", "../../../etc"));
        assertThrows(IllegalArgumentException.class, () -> BlobKeys.session("../p", "production", "session-0001"));
        assertFalse(BlobKeys.safe(".."));
        assertTrue(BlobKeys.safe("recordings/a/b.json.gz"));
    }
}
