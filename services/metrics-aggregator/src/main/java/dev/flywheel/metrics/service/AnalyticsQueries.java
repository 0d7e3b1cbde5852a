package dev.flywheel.metrics.service;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.analytics.ActiveUsersCalculator;
import dev.flywheel.analytics.ChurnCalculator;
import dev.flywheel.analytics.DateRange;
import dev.flywheel.analytics.FunnelCalculator;
import dev.flywheel.analytics.FunnelOrder;
import dev.flywheel.analytics.FunnelResult;
import dev.flywheel.analytics.FunnelSpec;
import dev.flywheel.analytics.Interval;
import dev.flywheel.analytics.LifecycleCalculator;
import dev.flywheel.analytics.PathCalculator;
import dev.flywheel.analytics.PathResult;
import dev.flywheel.analytics.PathSpec;
import dev.flywheel.analytics.Percentiles;
import dev.flywheel.analytics.RetentionCalculator;
import dev.flywheel.metrics.config.AggregatorConfig;
import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.Metric;
import dev.flywheel.metrics.model.PropertyCondition;
import dev.flywheel.metrics.model.QueryMapper;
import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.EventStore;
import dev.flywheel.metrics.store.ExperimentArmsStore;
import dev.flywheel.metrics.store.PersonTraitsStore;
import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import io.smallrye.mutiny.Uni;

/**
 * Product-analytics queries: the store fetches per-person data, the engines of libs/analytics compute. Ranges are
 * days in the project's time zone.
 */
@ApplicationScoped
public class AnalyticsQueries {

    private final EventStore store;
    private final AnalyticsSettingsService settings;
    private final AggregatorConfig config;
    private final PersonTraitsStore traits;
    private final ExperimentArmsStore experiments;

    public AnalyticsQueries(EventStore store, AnalyticsSettingsService settings, AggregatorConfig config,
            PersonTraitsStore traits, ExperimentArmsStore experiments) {
        this.store = store;
        this.settings = settings;
        this.config = config;
        this.traits = traits;
        this.experiments = experiments;
    }

    public record Point(LocalDate period, double value) {
    }

    public record Series(String breakdown, List<Point> points, double total) {
    }

    public record ActiveUsers(List<ActiveUsersCalculator.Day> days, List<Long> stickiness) {
    }

    public record Exclusion(EventMatch events, int fromStep, int toStep) {
    }

    public record TimeToValue(long people, long activated, Double medianSeconds, Double averageSeconds,
            Double p90Seconds) {
    }

    public record AarrrPeriod(LocalDate period, long newUsers, Map<String, Long> newUsersBySource, long activated,
            double activationRate, long retained, double retentionRate, long referralEvents, long referrers,
            long referredUsers, double revenue, double arpu, double payingShare, long activeUsers) {
    }

    public record NorthStar(String name, Series northStar, List<Series> inputs, List<String> inputNames) {
    }

    public Uni<List<Series>> trends(Scope scope, Metric metric, LocalDate from, LocalDate to, Interval interval,
            String breakdown) {
        return settings.zone(scope.projectId()).chain(zone -> trends(scope, metric, range(from, to, zone), interval,
                breakdown));
    }

    private Uni<List<Series>> trends(Scope scope, Metric metric, DateRange range, Interval interval,
            String breakdown) {
        return store.trend(scope, metric, range, interval, breakdown, config.queries().maxBreakdownValues())
                .map(rows -> {
                    List<LocalDate> periods = interval.periods(range.from(), range.to());
                    Map<String, Map<LocalDate, Double>> byValue = new TreeMap<>();
                    for (EventStore.TrendRow row : rows) {
                        byValue.computeIfAbsent(row.breakdown() == null ? "" : row.breakdown(), b -> new TreeMap<>())
                                .merge(row.period(), row.value(), Double::sum);
                    }
                    if (byValue.isEmpty()) {
                        byValue.put("", Map.of());
                    }
                    List<Series> series = new ArrayList<>();
                    byValue.forEach((value, points) -> {
                        List<Point> filled = new ArrayList<>();
                        double total = 0;
                        for (LocalDate period : periods) {
                            double v = points.getOrDefault(period, 0.0);
                            filled.add(new Point(period, v));
                            total += v;
                        }
                        series.add(new Series(value, filled, total));
                    });
                    series.sort((a, b) -> Double.compare(b.total(), a.total()));
                    return series;
                });
    }

    public Uni<ActiveUsers> activeUsers(Scope scope, LocalDate from, LocalDate to, EventMatch match) {
        return settings.zone(scope.projectId()).chain(zone -> {
            ActiveUsersCalculator calculator = new ActiveUsersCalculator(range(from, to, zone));
            return store.activeDays(scope, match, calculator.lookbackStart(), to, zone).map(days -> {
                days.values().forEach(calculator::addPerson);
                return new ActiveUsers(calculator.days(), calculator.stickiness());
            });
        });
    }

    /** A funnel question, as days in the project's zone. */
    public record FunnelQuestion(List<EventMatch> steps, FunnelOrder order, Duration window,
            List<Exclusion> exclusions, LocalDate from, LocalDate to, String breakdown) {
    }

    /** A funnel's engine and the read that feeds it. */
    record FunnelRun(FunnelCalculator calculator, EventStore.FunnelQuery query) {
    }

    public Uni<List<FunnelResult.Group>> funnel(Scope scope, FunnelQuestion question) {
        return settings.zone(scope.projectId()).chain(zone -> {
            FunnelRun run = funnelRun(question, zone);
            return store.funnelTimelines(scope, run.query(), (person, events) -> run.calculator().addPerson(events))
                    .map(done -> run.calculator().result());
        });
    }

    static FunnelRun funnelRun(FunnelQuestion question, ZoneId zone) {
        DateRange range = range(question.from(), question.to(), zone);
        FunnelSpec spec;
        try {
            spec = new FunnelSpec(question.steps().size(), question.order(), question.window(), question.exclusions()
                    .stream().map(e -> new FunnelSpec.Exclusion(e.fromStep(), e.toStep())).toList(),
                    range.startInstant(), range.endInstant(), Instant.now());
        } catch (IllegalArgumentException e) {
            throw RefusedRequest.invalid(e.getMessage());
        }
        return new FunnelRun(new FunnelCalculator(spec), new EventStore.FunnelQuery(question.steps(), question
                .exclusions().stream().map(Exclusion::events).toList(), range.startInstant(), range.endInstant(),
                range.endInstant().plus(question.window()), question.order() == FunnelOrder.STRICT, question
                        .breakdown()));
    }

    /**
     * A paths question: the engine's spec without the range, which days in the project's zone give; an optional
     * breakdown ("person.&lt;trait&gt;", "experiments.&lt;key&gt;").
     */
    public record PathsQuestion(EventStore.PathKind kind, int steps, String start, String end, Duration window,
            double minShare, List<PathSpec.Cleaning> cleaning, Set<String> excluded, String breakdown) {
    }

    /** Paths of everybody, and per breakdown group when one was asked for (largest first). */
    public record PathsAnswer(PathResult.Group everybody, List<PathResult.Group> groups) {
    }

    /** A person without a value of the breakdown (no trait, never exposed). */
    static final String NO_GROUP = "$none";
    static final String EXPERIMENTS_PREFIX = "experiments.";

    /** Paths (docs/analytics.md). */
    public Uni<PathsAnswer> paths(Scope scope, PathsQuestion question, LocalDate from, LocalDate to) {
        return pathCalculator(scope, question, from, to).map(calculator -> new PathsAnswer(calculator.everybody(),
                question.breakdown() == null ? List.of() : calculator.result()));
    }

    /**
     * The people who made one move of {@link #paths}' answer (labels as shown, "$other" included), in a breakdown
     * group or (null) everybody's.
     */
    public Uni<List<String>> pathPeople(Scope scope, PathsQuestion question, LocalDate from, LocalDate to, String group,
            int step, String fromLabel, String toLabel, int limit) {
        return pathCalculator(scope, question, from, to).map(calculator -> calculator.peopleOn(group, step,
                fromLabel, toLabel, limit));
    }

    private Uni<PathCalculator> pathCalculator(Scope scope, PathsQuestion question, LocalDate from, LocalDate to) {
        return Uni.combine().all().unis(settings.zone(scope.projectId()), groups(scope, question.breakdown()))
                .asTuple().chain(both -> {
                    DateRange range = range(from, to, both.getItem1());
                    Map<String, String> groupOf = both.getItem2();
                    PathCalculator calculator;
                    try {
                        calculator = new PathCalculator(new PathSpec(question.steps(), question.start(), question
                                .end(), range.startInstant(), range.endInstant(), question.window(),
                                question
                                        .minShare(),
                                question.cleaning(), question.excluded()));
                    } catch (IllegalArgumentException e) {
                        throw RefusedRequest.invalid(e.getMessage());
                    }
                    // a path runs on from a start in range, or leads up to an end in range: a window either side
                    // paths from a start as stored (no cleaning), or from the first event, need no earlier events
                    EventStore.StartCut cut = question.end() != null && question.start() == null
                            || question.start() != null && !question.cleaning().isEmpty()
                                    ? null
                                    : new EventStore.StartCut(question.start(), range.startInstant(), range
                                            .endInstant(), question.window().toMillis());
                    EventStore.PathQuery read = new EventStore.PathQuery(question.kind(), range.startInstant().minus(
                            question.window()), range.endInstant().plus(question.window()), cut);
                    String none = question.breakdown() == null ? null : NO_GROUP;
                    // a cleaning pattern too costly on some label is the caller's to change
                    return store.pathTimelines(scope, read, (person, events) -> calculator.addPerson(person, groupOf
                            .getOrDefault(person, none), events))
                            .replaceWith(calculator).onFailure(IllegalArgumentException.class)
                            .transform(e -> RefusedRequest.invalid(e.getMessage()));
                });
    }

    /** Each person's group in a breakdown (none: nobody has one). */
    private Uni<Map<String, String>> groups(Scope scope, String breakdown) {
        if (breakdown == null) {
            return Uni.createFrom().item(Map.of());
        }
        if (breakdown.startsWith(EXPERIMENTS_PREFIX) && breakdown.length() > EXPERIMENTS_PREFIX.length()) {
            return experiments.variationsByPerson(scope, breakdown.substring(EXPERIMENTS_PREFIX.length()));
        }
        String prefix = PropertyCondition.PERSON_PREFIX;
        if (breakdown.startsWith(prefix) && breakdown.length() > prefix.length()) {
            String trait = breakdown.substring(prefix.length());
            return traits.values(scope, List.of(trait)).map(values -> {
                Map<String, String> groups = new HashMap<>(values.size() * 2);
                values.forEach((person, value) -> groups.put(person, value.get(trait)));
                return groups;
            });
        }
        throw RefusedRequest.invalid("breakdown: \"person.<trait>\" or \"experiments.<key>\", not \"" + breakdown
                + "\"");
    }

    /** A retention question, as days in the project's zone. */
    public record RetentionQuestion(EventMatch start, EventMatch back, LocalDate from, LocalDate to,
            Interval interval, int periods, RetentionCalculator.Type type, RetentionCalculator.Mode mode) {
    }

    public Uni<List<RetentionCalculator.Cohort>> retention(Scope scope, RetentionQuestion question) {
        Interval interval = question.interval();
        LocalDate from = question.from();
        LocalDate to = question.to();
        return settings.zone(scope.projectId()).chain(zone -> {
            DateRange range = range(from, to, zone);
            RetentionCalculator calculator;
            try {
                calculator = new RetentionCalculator(interval, range, question.periods(), question.type(), question
                        .mode(), LocalDate.now(zone));
            } catch (IllegalArgumentException e) {
                throw RefusedRequest.invalid(e.getMessage());
            }
            LocalDate cohortsFrom = interval.start(from);
            LocalDate cohortsTo = periodEnd(interval, to);
            // First-time retention must know whether a start event happened before the range.
            LocalDate startsFrom = question.type() == RetentionCalculator.Type.FIRST_TIME
                    ? LocalDate.EPOCH
                    : cohortsFrom;
            LocalDate returnsTo = periodEnd(interval, interval.plus(interval.start(to), question.periods() - 1L));
            return bothActiveDays(scope, question.start(), startsFrom, cohortsTo, question.back(), cohortsFrom,
                    returnsTo, zone).map(both -> {
                        Map<String, int[]> starts = both.get(0);
                        Map<String, int[]> returns = both.get(1);
                        starts.forEach((person, days) -> calculator.addPerson(days,
                                returns.getOrDefault(person, new int[0])));
                        return calculator.result();
                    });
        });
    }

    /**
     * Two day sets; when both are of the same events (retention's usual "came back and did it again"), one read of
     * the union of the two ranges, cut in two here.
     */
    Uni<List<Map<String, int[]>>> bothActiveDays(Scope scope, EventMatch first, LocalDate firstFrom,
            LocalDate firstTo, EventMatch second, LocalDate secondFrom, LocalDate secondTo, ZoneId zone) {
        if (!first.equals(second)) {
            return Uni.combine().all().unis(store.activeDays(scope, first, firstFrom, firstTo, zone),
                    store.activeDays(scope, second, secondFrom, secondTo, zone))
                    .with((a, b) -> List.of(a, b));
        }
        LocalDate from = firstFrom.isBefore(secondFrom) ? firstFrom : secondFrom;
        LocalDate to = firstTo.isAfter(secondTo) ? firstTo : secondTo;
        return store.activeDays(scope, first, from, to, zone)
                .map(days -> List.of(within(days, firstFrom, firstTo), within(days, secondFrom, secondTo)));
    }

    /** The people's days between two days inclusive (people without any left out). */
    private static Map<String, int[]> within(Map<String, int[]> days, LocalDate from, LocalDate to) {
        int first = (int) from.toEpochDay();
        int last = (int) to.toEpochDay();
        Map<String, int[]> kept = new HashMap<>(days.size() * 2);
        days.forEach((person, all) -> {
            // ascending: the days in range are one run
            int start = 0;
            while (start < all.length && all[start] < first) {
                start++;
            }
            int end = all.length;
            while (end > start && all[end - 1] > last) {
                end--;
            }
            if (end > start) {
                kept.put(person, start == 0 && end == all.length
                        ? all
                        : Arrays.copyOfRange(all, start,
                                end));
            }
        });
        return kept;
    }

    public Uni<List<LifecycleCalculator.Period>> lifecycle(Scope scope, LocalDate from, LocalDate to,
            Interval interval, EventMatch match) {
        return settings.zone(scope.projectId()).chain(zone -> {
            DateRange range = range(from, to, zone);
            LifecycleCalculator calculator = new LifecycleCalculator(interval, range);
            LocalDate previous = interval.plus(interval.start(from), -1);
            return Uni.combine().all()
                    .unis(store.activeDays(scope, match, previous, periodEnd(interval, to), zone),
                            store.firstSeen(scope, null, range.endInstant(), null))
                    .with((active, firstSeen) -> {
                        for (EventStore.FirstSeen person : firstSeen) {
                            int[] days = active.get(person.person());
                            if (days != null) {
                                calculator.addPerson((int) range.dayOf(person.at()).toEpochDay(), days);
                            }
                        }
                        return calculator.result();
                    });
        });
    }

    public Uni<List<ChurnCalculator.Period>> churn(Scope scope, LocalDate from, LocalDate to, Interval interval) {
        return settings.get(scope.projectId()).chain(project -> {
            ZoneId zone = ZoneId.of(project.getTimeZone());
            DateRange range = range(from, to, zone);
            ChurnCalculator calculator = new ChurnCalculator(interval, range, LocalDate.now(zone));
            LocalDate firstPeriod = interval.start(from);
            LocalDate through = periodEnd(interval, interval.plus(interval.start(to), 1));
            Uni<Map<String, Map<LocalDate, Double>>> revenue = revenueMatch(project) == null
                    ? Uni.createFrom().item(Map.of())
                    : store.sums(scope, revenueMatch(project), revenueProperty(project),
                            range(firstPeriod, through, zone), interval);
            return Uni.combine().all()
                    .unis(store.activeDays(scope, EventMatch.named(null), firstPeriod, through, zone), revenue)
                    .with((active, sums) -> {
                        List<LocalDate> periods = interval.periods(firstPeriod, through);
                        for (Map.Entry<String, int[]> person : active.entrySet()) {
                            Map<LocalDate, Double> amounts = sums.get(person.getKey());
                            double[] byPeriod = null;
                            if (amounts != null) {
                                byPeriod = new double[calculator.revenuePeriods()];
                                for (int p = 0; p < byPeriod.length && p < periods.size(); p++) {
                                    byPeriod[p] = amounts.getOrDefault(periods.get(p), 0.0);
                                }
                            }
                            calculator.addPerson(person.getValue(), byPeriod);
                        }
                        return calculator.result();
                    });
        });
    }

    public Uni<TimeToValue> timeToValue(Scope scope, LocalDate from, LocalDate to, EventMatch activation) {
        return settings.get(scope.projectId()).chain(project -> {
            EventMatch match = activation != null ? activation : activationMatch(project);
            if (match == null) {
                throw new RefusedRequest(Refusal.FAILED_PRECONDITION,
                        "give an activation event, or configure the project's AARRR activation stage");
            }
            DateRange range = range(from, to, ZoneId.of(project.getTimeZone()));
            return Uni.combine().all()
                    .unis(store.firstSeen(scope, range.startInstant(), range.endInstant(), null),
                            store.firstOccurrences(scope, match, range.startInstant(), Instant.now()))
                    .with((people, activations) -> {
                        long[] seconds = new long[people.size()];
                        int activated = 0;
                        for (EventStore.FirstSeen person : people) {
                            Instant at = activations.get(person.person());
                            if (at != null) {
                                seconds[activated++] = Math.max(0, Duration.between(person.at(), at).toSeconds());
                            }
                        }
                        Double median = Percentiles.quantile(seconds, activated, 0.5);
                        Double p90 = Percentiles.quantile(seconds, activated, 0.9);
                        return new TimeToValue(people.size(), activated, median,
                                Percentiles.mean(seconds, activated), p90);
                    });
        });
    }

    public Uni<List<AarrrPeriod>> aarrr(Scope scope, LocalDate from, LocalDate to, Interval interval) {
        return settings.get(scope.projectId()).chain(project -> {
            if (!project.hasAarrr()) {
                throw new RefusedRequest(Refusal.FAILED_PRECONDITION,
                        "configure the project's AARRR stages in its analytics settings first");
            }
            return new AarrrReport(store, scope, project, interval, range(interval.start(from), periodEnd(interval,
                    to), ZoneId.of(project.getTimeZone()))).run();
        });
    }

    public Uni<NorthStar> northStar(Scope scope, LocalDate from, LocalDate to, Interval interval) {
        return settings.get(scope.projectId()).chain(project -> {
            if (!project.hasNorthStar()) {
                throw new RefusedRequest(Refusal.FAILED_PRECONDITION,
                        "configure the project's North Star metric in its analytics settings first");
            }
            DateRange range = range(from, to, ZoneId.of(project.getTimeZone()));
            Metric northStar = QueryMapper.metric(project.getNorthStar(), "northStar");
            List<Uni<List<Series>>> all = new ArrayList<>();
            all.add(trends(scope, northStar, range, interval, null));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < project.getNorthStarInputsCount(); i++) {
                Metric input = QueryMapper.metric(project.getNorthStarInputs(i), "northStarInputs[" + i + "]");
                names.add(input.name());
                all.add(trends(scope, input, range, interval, null));
            }
            return Uni.join().all(all).andFailFast().map(results -> new NorthStar(northStar.name(),
                    results.get(0).get(0), results.subList(1, results.size()).stream().map(s -> s.get(0)).toList(),
                    names));
        });
    }

    static EventMatch activationMatch(AnalyticsSettings project) {
        return project.hasAarrr() && project.getAarrr().hasActivation()
                ? QueryMapper.match(project.getAarrr().getActivation(), "aarrr.activation", true)
                : null;
    }

    static EventMatch revenueMatch(AnalyticsSettings project) {
        return project.hasAarrr() && project.getAarrr().hasRevenue()
                ? QueryMapper.match(project.getAarrr().getRevenue(), "aarrr.revenue", true)
                : null;
    }

    static String revenueProperty(AnalyticsSettings project) {
        String property = project.getAarrr().getRevenueProperty();
        return property.isEmpty() ? "revenue" : property;
    }

    static LocalDate periodEnd(Interval interval, LocalDate day) {
        return interval.plus(interval.start(day), 1).minusDays(1);
    }

    static DateRange range(LocalDate from, LocalDate to, ZoneId zone) {
        try {
            return new DateRange(from, to, zone);
        } catch (IllegalArgumentException e) {
            throw RefusedRequest.invalid(e.getMessage());
        }
    }
}
