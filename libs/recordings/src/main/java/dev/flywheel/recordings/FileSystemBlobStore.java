package dev.flywheel.recordings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Blobs as files under a root folder (a volume in Kubernetes). A put writes a temporary file, forces it to disk,
 * renames it into place atomically and forces the folder, so a reader sees the old bytes or the new, never a part,
 * and an acknowledged put survives a crash.
 */
public final class FileSystemBlobStore implements BlobStore {

    private final Path root;

    public FileSystemBlobStore(Path root) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        Path target = resolve(key);
        Path folder = Files.createDirectories(target.getParent());
        // unique among concurrent writers of the same key; not a secret (UUID's SecureRandom is a lock under load)
        Path temporary = folder.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom
                .current().nextLong()) + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public int deleteAll(String prefix) throws IOException {
        List<Path> files = files(prefix);
        int deleted = 0;
        for (Path file : files) {
            if (Files.deleteIfExists(file)) {
                deleted++;
            }
        }
        // empty folders left behind go too, deepest first, up to (not including) the root
        for (Path folder : files.stream().map(Path::getParent).distinct()
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList()) {
            for (Path at = folder; at != null && !at.equals(root) && at.startsWith(root); at = at.getParent()) {
                try {
                    Files.deleteIfExists(at);
                } catch (DirectoryNotEmptyException e) {
                    break;
                }
            }
        }
        return deleted;
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        List<String> keys = new ArrayList<>();
        for (Path file : files(prefix)) {
            keys.add(root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/"));
        }
        keys.sort(null);
        return keys;
    }

    private List<Path> files(String prefix) throws IOException {
        BlobKeys.requireSafe(prefix);
        Path start = prefix.endsWith("/")
                ? resolve(prefix.substring(0, prefix.length() - 1))
                : resolve(prefix)
                        .getParent();
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(start)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/")
                            .startsWith(prefix))
                    .toList();
        }
    }

    private Path resolve(String key) {
        Path resolved = root.resolve(BlobKeys.requireSafe(key)).normalize();
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            throw new IllegalArgumentException("blob key outside the store: " + key);
        }
        return resolved;
    }
}
