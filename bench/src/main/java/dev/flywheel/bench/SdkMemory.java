package dev.flywheel.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.flywheel.flags.FlagType;
import dev.flywheel.sdk.FlywheelClient;

/**
 * The Java SDK's heap for a large environment: 1,000 flags and 200 running experiments, held as the client holds
 * them (documents, compiled flags and experiments, exposure sets), measured as the heap in use after full
 * collections, before the client starts and after it has evaluated every flag and assigned a user.
 *
 * <pre>
 * java -Xmx256m -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" dev.flywheel.bench.SdkMemory
 * </pre>
 */
public final class SdkMemory {

    private SdkMemory() {
    }

    public static void main(String[] args) throws Exception {
        String flags = SdkWorkload.flags(1000);
        Path file = SdkWorkload.snapshotFile(flags, SdkWorkload.generatedExperiments(200));
        long before = used();
        FlywheelClient client = SdkWorkload.offlineClient(file);
        for (int i = 0; i < 1000; i++) {
            client.evaluate("flag-" + i, FlagType.ANY, Map.of("targetingKey", "user-1", "email", "a@example.com"));
        }
        int assigned = client.assignAll(Map.of("id", "user-1", "country", "NL")).size();
        long after = used();
        System.out.printf("snapshot file: %,d bytes; experiments assigned: %d%n", Files.size(file), assigned);
        System.out.printf("SDK heap for 1,000 flags and 200 experiments: %.1f MB%n", (after - before) / 1e6);
        client.close();
        Files.deleteIfExists(file);
    }

    private static long used() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
