package dev.flywheel.sdk;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.proto.experiments.v1.ExperimentSnapshot;

/**
 * The last snapshots on disk, so a process that starts while Flywheel is unreachable serves what it served before.
 * One JSON file: the flagd document as text and the experiment snapshot as base64 protobuf; replaced atomically.
 */
final class SnapshotFile {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    /** What the file held; either part may be null. */
    record Saved(String flags, ExperimentSnapshot experiments) {
    }

    private final Path path;

    SnapshotFile(Path path) {
        this.path = path;
    }

    /** The saved snapshots, or null when there is no file. */
    Saved read() throws IOException {
        if (!Files.exists(path)) {
            return null;
        }
        JsonNode root = JSON.readTree(path.toFile());
        if (root == null || root.path("format").asInt() != FORMAT) {
            throw new IOException(path + " is not a Flywheel snapshot file of format " + FORMAT);
        }
        String flags = root.hasNonNull("flags") ? root.get("flags").asText() : null;
        ExperimentSnapshot experiments = root.hasNonNull("experiments")
                ? ExperimentSnapshot.parseFrom(Base64.getDecoder().decode(root.get("experiments").asText()))
                : null;
        return new Saved(flags, experiments);
    }

    synchronized void write(Saved saved) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("flags", saved.flags());
        root.put("experiments", saved.experiments() == null
                ? null
                : Base64.getEncoder().encodeToString(saved.experiments().toByteArray()));
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
        try {
            JSON.writeValue(temporary.toFile(), root);
            try {
                Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
