package dev.flywheel.service.memory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.sun.management.HotSpotDiagnosticMXBean;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Gives a heap that grew under load back to the system once the process is idle. With the serial and parallel
 * collectors only a full collection shrinks the heap, and an idle JVM never runs one, so a service would keep its
 * peak footprint for good. Here, when no collection at all has run for a check interval (nothing is allocating,
 * so nothing is being served) and much of the heap is committed but unused, full collections are asked for, once
 * per quiet spell, until the heap stops shrinking. For those collections the heap's free ratios are lowered (they
 * are manageable flags), so the old generation keeps a fifth free rather than the usual 40-70%: an idle service
 * needs no headroom, and under load the usual ratios are back.
 */
@ApplicationScoped
public class IdleHeapReturn {

    private static final Logger LOG = Logger.getLogger(IdleHeapReturn.class);
    private static final long CHECK_EVERY_SECONDS = 20;
    /** Committed but unused old generation worth a collection. */
    private static final long WORTH_RETURNING_BYTES = 4L << 20;
    private static final int MAX_COLLECTIONS = 4;
    private static final String MIN_FREE = "MinHeapFreeRatio";
    private static final String MAX_FREE = "MaxHeapFreeRatio";
    private static final String IDLE_MIN_FREE = "10";
    private static final String IDLE_MAX_FREE = "20";

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

    /** The collector shrinks a generation in steps over successive full collections (0, 10, 40, 100%). */
    private static void collectUntilStable() {
        long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        for (int i = 0; i < MAX_COLLECTIONS; i++) {
            System.gc();
            long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
            if (i > 0 && after >= committed) {
                break;
            }
            committed = after;
        }
    }

    /** Committed but unused bytes of the generations a young collection does not empty. */
    private static long oldGenerationFree() {
        long free = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = pool.getName();
            if (pool.getType() == MemoryType.HEAP && (name.contains("Old") || name.contains("Tenured"))) {
                free += pool.getUsage().getCommitted() - pool.getUsage().getUsed();
            }
        }
        return free;
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
        if (returnedThisSpell || oldGenerationFree() < WORTH_RETURNING_BYTES) {
            return;
        }
        returnedThisSpell = true;
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String minFree = vm.getVMOption(MIN_FREE).getValue();
        String maxFree = vm.getVMOption(MAX_FREE).getValue();
        try {
            // the minimum first: the JVM refuses a maximum below it
            vm.setVMOption(MIN_FREE, IDLE_MIN_FREE);
            vm.setVMOption(MAX_FREE, IDLE_MAX_FREE);
            collectUntilStable();
        } catch (IllegalArgumentException unsupported) {
            collectUntilStable(); // a JVM without manageable ratios: its own ratios apply
        } finally {
            vm.setVMOption(MAX_FREE, maxFree);
            vm.setVMOption(MIN_FREE, minFree);
        }
        // the collection itself counts: the next check must not read it as activity
        collectionsSeen = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        LOG.debugf("Idle: heap committed %d MB before, %d MB after a collection", heap.getCommitted() >> 20,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20);
    }
}
