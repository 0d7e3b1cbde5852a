package dev.flywheel.recordings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class HeatmapsTest {

    @Test
    void aPageIsItsUrlWithoutQueryAndFragment() {
        assertEquals("https://shop.example/cart", Heatmaps.page("HTTPS://Shop.Example/cart?coupon=x#top"));
        assertEquals("https://shop.example/", Heatmaps.page("https://shop.example"));
        assertEquals("https://shop.example/", Heatmaps.page("https://shop.example#x"));
        assertEquals("http://localhost:8080/Product/7", Heatmaps.page("http://localhost:8080/Product/7?a=1"));
        assertNull(Heatmaps.page("javascript:alert(1)"));
        assertNull(Heatmaps.page("/relative"));
        assertNull(Heatmaps.page(null));
    }

    @Test
    void patternsBecomeLikePatternsWithTheRestEscaped() {
        assertEquals("https://shop.example/product/%", Heatmaps.likePattern("https://shop.example/product/*"));
        assertEquals("https://x/a\\_b\\%c%", Heatmaps.likePattern("https://x/a_b%c*"));
        assertEquals("https://x/a\\_b%", Heatmaps.likePrefix("https://x/a_b"));
        assertEquals("https://x/*%", Heatmaps.likePrefix("https://x/*"));
    }

    @Test
    void theScrollMapIsTheShareReachingEachDepth() {
        // 10 views: 2 stopped in the first 500 px, 3 in the next, 5 went below 1,000 px
        assertEquals(List.of(new Heatmaps.Depth(0, 1.0), new Heatmaps.Depth(500, 0.8), new Heatmaps.Depth(1000, 0.5)),
                Heatmaps.scrollMap(new long[]{2, 3, 5}, 500));
        assertEquals(List.of(new Heatmaps.Depth(0, 0.0)), Heatmaps.scrollMap(new long[]{0}, 100));
    }
}
