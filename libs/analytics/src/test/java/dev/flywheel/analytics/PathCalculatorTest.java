package dev.flywheel.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Hand-computed paths. Times are minutes after T0; the range is the week from T0. */
class PathCalculatorTest {

    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    /** Labels one minute apart from {@code minute}. */
    private static List<PathEvent> walk(int minute, String... labels) {
        List<PathEvent> events = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            events.add(new PathEvent(T0.plusSeconds((minute + i) * 60L).toEpochMilli(), labels[i]));
        }
        return events;
    }

    private static PathSpec spec(int steps, String start, String end) {
        return new PathSpec(steps, start, end, T0, T0.plus(Duration.ofDays(7)), null, 0, List.of(), Set.of());
    }

    private static List<String> nodes(PathResult.Group group) {
        return group.nodes().stream().map(n -> n.step() + ":" + n.label() + "=" + n.people() + "/" + n.leaving())
                .toList();
    }

    private static List<String> edges(PathResult.Group group) {
        return group.edges().stream().map(e -> e.step() + ":" + e.from() + ">" + e.to() + "=" + e.people()).toList();
    }

    @Test
    void fromAStartEventEachColumnCountsPeopleAndWhoLeaves() {
        PathCalculator paths = new PathCalculator(spec(3, "Home", null));
        paths.addPerson("a", null, walk(0, "Signup", "Home", "Product", "Cart", "Buy"));
        paths.addPerson("b", null, walk(0, "Home", "Product", "Home"));
        paths.addPerson("c", null, walk(0, "Home", "Search", "Product"));
        paths.addPerson("d", null, walk(0, "Search")); // never at the start: no path
        PathResult.Group all = paths.result().get(0);
        assertEquals(3, all.people());
        assertEquals(List.of("1:Home=3/0", "2:Product=2/0", "2:Search=1/0", "3:Cart=1/1", "3:Home=1/1",
                "3:Product=1/1"), nodes(all));
        assertEquals(List.of("1:Home>Product=2", "1:Home>Search=1", "2:Product>Cart=1", "2:Product>Home=1",
                "2:Search>Product=1"), edges(all));
        assertEquals(List.of("a", "b"), paths.peopleOn(null, 1, "Home", "Product", 10));
        assertEquals(List.of("a"), paths.peopleOn(null, 1, "Home", "Product", 1));
        assertEquals(List.of("c"), paths.peopleOn(null, 2, "Search", "Product", 10));
    }

    @Test
    void repeatsInARowCountOnceAndLoopsStay() {
        PathCalculator paths = new PathCalculator(spec(5, null, null));
        paths.addPerson("a", null, walk(0, "Home", "Home", "Product", "Home", "Product", "Product"));
        assertEquals(List.of("1:Home>Product=1", "2:Product>Home=1", "3:Home>Product=1"), edges(paths.result().get(
                0)));
        assertEquals("4:Product=1/1", nodes(paths.result().get(0)).get(3));
    }

    @Test
    void withOnlyAnEndPathsLeadToItInTheLastColumn() {
        PathCalculator paths = new PathCalculator(spec(3, null, "Buy"));
        paths.addPerson("a", null, walk(0, "Home", "Product", "Cart", "Buy", "Home", "Buy"));
        paths.addPerson("b", null, walk(0, "Search", "Buy"));
        paths.addPerson("c", null, walk(0, "Home")); // never bought
        PathResult.Group all = paths.result().get(0);
        assertEquals(List.of("1:Product=1/0", "2:Cart=1/0", "2:Search=1/0", "3:Buy=2/2"), nodes(all));
        assertEquals(List.of("1:Product>Cart=1", "2:Cart>Buy=1", "2:Search>Buy=1"), edges(all));
    }

    @Test
    void betweenAStartAndAnEndThePathStopsAtTheEnd() {
        PathCalculator paths = new PathCalculator(spec(5, "Home", "Buy"));
        paths.addPerson("a", null, walk(0, "Home", "Product", "Buy", "Home", "Product"));
        paths.addPerson("b", null, walk(0, "Home", "Product", "Home", "Search", "Product", "Cart", "Buy"));
        PathResult.Group all = paths.result().get(0);
        assertEquals(List.of("1:Home=2/0", "2:Product=2/0", "3:Buy=1/1", "3:Home=1/0", "4:Search=1/0",
                "5:Product=1/1"), nodes(all));
    }

    @Test
    void theWindowAndTheRangeBoundAPath() {
        PathSpec withWindow = new PathSpec(4, "Home", null, T0, T0.plus(Duration.ofDays(7)), Duration.ofMinutes(30),
                0, List.of(), Set.of());
        PathCalculator paths = new PathCalculator(withWindow);
        List<PathEvent> events = new ArrayList<>(walk(-5, "Home")); // before the range: not a start
        events.addAll(walk(0, "Home", "Product"));
        events.addAll(walk(31, "Cart")); // 31 minutes after the start: outside the window
        paths.addPerson("a", null, events);
        assertEquals(List.of("1:Home=1/0", "2:Product=1/1"), nodes(paths.result().get(0)));

        PathCalculator late = new PathCalculator(spec(2, null, null));
        // the last millisecond of the range starts a path; the first after it does not
        late.addPerson("a", null, List.of(new PathEvent(T0.plus(Duration.ofDays(7)).toEpochMilli() - 1, "Home"),
                new PathEvent(T0.plus(Duration.ofDays(8)).toEpochMilli(), "Product")));
        late.addPerson("b", null, List.of(new PathEvent(T0.plus(Duration.ofDays(7)).toEpochMilli(), "Home")));
        assertEquals(List.of("1:Home=1/0", "2:Product=1/1"), nodes(late.result().get(0)));
    }

    @Test
    void cleaningMergesLabelsAndExclusionsRemoveThem() {
        PathSpec spec = new PathSpec(4, "/product/*", null, T0, T0.plus(Duration.ofDays(7)), null, 0, List.of(
                PathSpec.Cleaning.of("^/product/\\d+$", "/product/*"), PathSpec.Cleaning.of("\\?.*$", "")),
                Set.of(
                        "Scrolled"));
        PathCalculator paths = new PathCalculator(spec);
        paths.addPerson("a", null, walk(0, "/product/12", "Scrolled", "/product/13", "/cart?ref=mail", "/cart"));
        assertEquals(List.of("1:/product/*=1/0", "2:/cart=1/1"), nodes(paths.result().get(0)));
    }

    @Test
    void labelsBelowTheMinimumShareAreFoldedIntoOther() {
        PathSpec spec = new PathSpec(2, "Home", null, T0, T0.plus(Duration.ofDays(7)), null, 0.2, List.of(), Set
                .of());
        PathCalculator paths = new PathCalculator(spec);
        for (int person = 0; person < 8; person++) {
            paths.addPerson("p" + person, null, walk(0, "Home", "Product"));
        }
        paths.addPerson("rare1", null, walk(0, "Home", "Help"));
        paths.addPerson("rare2", null, walk(0, "Home", "Settings"));
        PathResult.Group all = paths.result().get(0);
        assertEquals(List.of("1:Home>Product=8", "1:Home>$other=2"), edges(all));
        assertEquals(List.of("rare1", "rare2"), paths.peopleOn(null, 1, "Home", PathCalculator.OTHER, 10));
    }

    @Test
    void groupsAreCountedApartLargestFirstAndEqualTimesInLabelOrder() {
        PathCalculator paths = new PathCalculator(spec(2, null, null));
        long at = T0.toEpochMilli();
        paths.addPerson("a", "control", List.of(new PathEvent(at, "Product"), new PathEvent(at, "Home")));
        paths.addPerson("b", "treatment", walk(0, "Home", "Cart"));
        paths.addPerson("c", "treatment", walk(0, "Home", "Cart"));
        List<PathResult.Group> groups = paths.result();
        assertEquals(List.of("treatment", "control"), groups.stream().map(PathResult.Group::breakdown).toList());
        assertEquals(List.of("1:Home>Cart=2"), edges(groups.get(0)));
        assertEquals(List.of("1:Home>Product=1"), edges(groups.get(1)));
        assertEquals(List.of("a"), paths.peopleOn("control", 1, "Home", "Product", 5));
        PathResult.Group everybody = paths.everybody();
        assertEquals(3, everybody.people());
        assertEquals(List.of("1:Home>Cart=2", "1:Home>Product=1"), edges(everybody));
        assertEquals(List.of("b", "c"), paths.peopleOn(null, 1, "Home", "Cart", 5), "null: everybody");
    }

    @Test
    void badSpecsAreRefused() {
        Instant end = T0.plus(Duration.ofDays(1));
        assertThrows(IllegalArgumentException.class, () -> new PathSpec(1, null, null, T0, end, null, 0, List.of(),
                Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new PathSpec(11, null, null, T0, end, null, 0, List.of(),
                Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new PathSpec(3, null, null, end, T0, null, 0, List.of(),
                Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new PathSpec(3, "A", "A", T0, end, null, 0, List.of(),
                Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new PathSpec(3, null, null, T0, end, null, 1, List.of(),
                Set.of()));
        assertThrows(IllegalArgumentException.class, () -> new PathSpec(3, null, null, T0, end, Duration.ZERO, 0,
                List.of(), Set.of()));
        assertThrows(IllegalArgumentException.class, () -> PathSpec.Cleaning.of("(unclosed", "x"));
        assertThrows(IllegalArgumentException.class, () -> PathSpec.Cleaning.of("a".repeat(201), "x"));
        // a pattern that backtracks for ages (seconds on 30 characters, unguarded) is stopped on the label
        PathSpec hostile = new PathSpec(2, null, null, T0, end, null, 0, List.of(PathSpec.Cleaning.of("(.*a){10}b",
                "x")), Set.of());
        PathCalculator paths = new PathCalculator(hostile);
        assertThrows(IllegalArgumentException.class, () -> paths.addPerson("p", null, walk(0, "a".repeat(30))));
    }
}
