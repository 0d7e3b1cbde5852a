package dev.flywheel.service.memory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Gives a heap that grew under load back to the system once the process is idle. With the serial and parallel
 * collectors only a full collection shrinks the heap, and an idle JVM never runs one, so a service would keep its
 * peak footprint for good. Here, when no collection at all has run for a check interval (nothing is allocating,
 * so nothing is being served) and much of the heap is committed but unused, full collections are asked for, once
 * per quiet spell, until the heap stops shrinking; the JVM uncommits what its MaxHeapFreeRatio allows.
 */
@ApplicationScoped
public class IdleHeapReturn {

    private static final Logger LOG = Logger.getLogger(IdleHeapReturn.class);
    private static final long CHECK_EVERY_SECONDS = 20;
    /** Committed but unused heap worth a collection (a young generation's worth: less is not worth a pause). */
    private static final long WORTH_RETURNING_BYTES = 48L << 20;
    private static final int MAX_COLLECTIONS = 4;

    private ScheduledExecutorService checks;
    private long collectionsSeen = -1;
    private boolean returnedThisSpell;

    void start(@Observes StartupEvent ignored) {
        checks = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "idle-heap-return");
            thread.setDaemon(true);
            return thread;
        });
        checks.scheduleWithFixedDelay(this::check, CHECK_EVERY_SECONDS, CHECK_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (checks != null) {
            checks.shutdownNow();
        }
    }

    private void check() {
        long collections = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        boolean quiet = collections == collectionsSeen;
        collectionsSeen = collections;
        if (!quiet) {
            returnedThisSpell = false;
            return;
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        if (returnedThisSpell || heap.getCommitted() - heap.getUsed() < WORTH_RETURNING_BYTES) {
            return;
        }
        returnedThisSpell = true;
        // the collector shrinks a generation in steps over successive full collections (0, 10, 40, 100%)
        long committed = heap.getCommitted();
        for (int i = 0; i < MAX_COLLECTIONS; i++) {
            System.gc();
            long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
            if (i > 0 && after >= committed) {
                break;
            }
            committed = after;
        }
        // the collection itself counts: the next check must not read it as activity
        collectionsSeen = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        LOG.debugf("Idle: heap committed %d MB before, %d MB after a collection", heap.getCommitted() >> 20,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20);
    }
}
