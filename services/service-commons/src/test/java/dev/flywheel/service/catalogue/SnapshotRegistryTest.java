package dev.flywheel.service.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/** Snapshots kept per environment: one load at a time, never replaced by an older one, reloaded when they moved. */
class SnapshotRegistryTest {

    record Snapshot(EnvironmentKey key, long version, long settings) {
    }

    /** A stored catalogue in memory: versions per environment, loads counted, a load can be held back. */
    static final class Stored implements SnapshotRegistry.Source<Snapshot> {
        final Map<EnvironmentKey, Long> versions = new ConcurrentHashMap<>();
        final Map<String, Long> settings = new ConcurrentHashMap<>();
        final AtomicInteger loads = new AtomicInteger();
        final List<UniEmitter<? super Snapshot>> held = new ArrayList<>();
        boolean hold;

        @Override
        public Uni<Snapshot> load(EnvironmentKey key) {
            loads.incrementAndGet();
            Snapshot now = new Snapshot(key, versions.getOrDefault(key, 0L),
                    settings.getOrDefault(key.projectId(), 0L));
            return hold ? Uni.createFrom().emitter(emitter -> held.add(emitter)) : Uni.createFrom().item(now);
        }

        @Override
        public Uni<SnapshotRegistry.Version> storedVersion(EnvironmentKey key) {
            return Uni.createFrom().item(new SnapshotRegistry.Version(versions.getOrDefault(key, 0L),
                    settings.getOrDefault(key.projectId(), 0L)));
        }

        @Override
        public SnapshotRegistry.Version version(Snapshot snapshot) {
            return new SnapshotRegistry.Version(snapshot.version(), snapshot.settings());
        }
    }

    static final EnvironmentKey PRODUCTION = new EnvironmentKey("p1", "production");
    static final EnvironmentKey STAGING = new EnvironmentKey("p1", "staging");
    static final EnvironmentKey OTHER = new EnvironmentKey("p2", "production");

    final Stored stored = new Stored();
    final List<long[]> replaced = new ArrayList<>();
    final SnapshotRegistry<Snapshot> registry = new SnapshotRegistry<>("things", stored,
            (before, after) -> replaced.add(new long[]{before.version(), after.version()}));

    static Snapshot await(Uni<Snapshot> snapshot) {
        return snapshot.await().indefinitely();
    }

    @Test
    void concurrentFirstRequestsShareOneLoad() {
        stored.versions.put(PRODUCTION, 3L);
        stored.hold = true;
        List<Snapshot> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            registry.get(PRODUCTION).subscribe().with(answers::add);
        }
        assertEquals(1, stored.loads.get());
        stored.held.forEach(emitter -> emitter.complete(new Snapshot(PRODUCTION, 3, 0)));
        assertEquals(5, answers.size());
        answers.forEach(answer -> assertSame(answers.get(0), answer));
        stored.hold = false;
        assertSame(answers.get(0), await(registry.get(PRODUCTION)), "then served from memory");
        assertEquals(1, stored.loads.get());
    }

    @Test
    void aChangeReloadsAndANewerSnapshotIsNeverReplacedByAnOlderOne() {
        stored.versions.put(PRODUCTION, 1L);
        assertEquals(1, await(registry.get(PRODUCTION)).version());
        stored.versions.put(PRODUCTION, 2L);
        registry.refresh(PRODUCTION).await().indefinitely();
        assertEquals(2, await(registry.get(PRODUCTION)).version());
        assertEquals(1, replaced.size());
        assertEquals(1, replaced.get(0)[0]);
        // a load that read before the latest change finishes late: it is dropped
        stored.hold = true;
        Uni<Void> late = registry.refresh(PRODUCTION);
        late.subscribe().with(done -> {
        });
        stored.held.get(0).complete(new Snapshot(PRODUCTION, 1, 0));
        assertEquals(2, await(registry.get(PRODUCTION)).version());
        assertEquals(1, replaced.size(), "nothing was replaced");
    }

    @Test
    void aNotificationForAnEnvironmentNobodyAskedForLoadsNothing() {
        registry.refresh(STAGING).await().indefinitely();
        assertEquals(0, stored.loads.get());
    }

    @Test
    void aProjectWideChangeReloadsEveryCachedEnvironmentOfTheProject() {
        await(registry.get(PRODUCTION));
        await(registry.get(STAGING));
        await(registry.get(OTHER));
        int before = stored.loads.get();
        stored.settings.put("p1", 7L);
        registry.refresh(new EnvironmentKey("p1", EnvironmentKey.ALL_ENVIRONMENTS)).await().indefinitely();
        assertEquals(before + 2, stored.loads.get(), "production and staging of p1, not p2");
        assertEquals(7, await(registry.get(STAGING)).settings());
        assertEquals(0, await(registry.get(OTHER)).settings());
    }

    @Test
    void aResyncReloadsOnlyWhatMoved() {
        await(registry.get(PRODUCTION));
        await(registry.get(STAGING));
        int before = stored.loads.get();
        registry.refreshAll().await().indefinitely();
        assertEquals(before, stored.loads.get(), "nothing moved: a version read each, no load");
        stored.versions.put(STAGING, 4L);
        registry.refreshAll().await().indefinitely();
        assertEquals(before + 1, stored.loads.get());
        assertEquals(4, await(registry.get(STAGING)).version());
        assertTrue(replaced.stream().anyMatch(r -> r[1] == 4));
    }
}
