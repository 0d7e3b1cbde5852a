package dev.flywheel.service.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class NotifiedCacheTest {

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final AtomicBoolean listening = new AtomicBoolean(true);
    private final NotifiedCache<String, String> cache = new NotifiedCache<>(3, listening::get);

    @Test
    void anAnswerIsTrustedForItsTtlWhileChangesAreHeardAndForASecondWhileTheyAreNot() {
        cache.remember("token", "key-1", 0, cache.generation());
        NotifiedCache.Entry<String> entry = cache.get("token");
        assertTrue(cache.trusted(entry, 10 * SECOND, TTL));
        listening.set(false);
        assertTrue(cache.trusted(entry, SECOND / 2, TTL));
        assertFalse(cache.trusted(entry, 2 * SECOND, TTL), "unheard changes: a second at most");
    }

    @Test
    void aLoadUnderWayWhenAChangeIsHeardIsNotRemembered() {
        long before = cache.generation();
        cache.forget(value -> value.equals("someone else"));
        assertFalse(cache.remember("token", "key-1", 0, before), "its answer may predate the change");
        assertNull(cache.get("token"));
        assertTrue(cache.remember("token", "key-1", 0, cache.generation()));
    }

    @Test
    void forgetsWhatAChangeTouchesAndEverythingOnReset() {
        cache.remember("a", "key-1", 0, cache.generation());
        cache.remember("b", "key-2", 0, cache.generation());
        cache.forget(value -> value.equals("key-1"));
        assertNull(cache.get("a"));
        assertNotNull(cache.get("b"));
        cache.forgetAll();
        assertNull(cache.get("b"));
    }

    @Test
    void staysBoundedByStartingAfreshWhenFull() {
        for (int i = 0; i < 4; i++) {
            cache.remember("t" + i, "key-" + i, 0, cache.generation());
        }
        assertNull(cache.get("t0"));
        assertNotNull(cache.get("t3"));
    }
}
