package dev.flywheel.metrics.service;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.flywheel.analytics.DateRange;
import dev.flywheel.analytics.Interval;
import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.Metric;
import dev.flywheel.metrics.model.QueryMapper;
import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.EventStore;
import dev.flywheel.proto.analytics.v1.AarrrStages;
import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import io.smallrye.mutiny.Uni;

/** The pirate metrics of one range, per period, from the project's stage definitions. */
final class AarrrReport {

    static final String DEFAULT_ACQUISITION = "context.campaign.source";
    static final String DEFAULT_REFERRAL_SOURCE = "referral";
    static final int DEFAULT_ACTIVATION_DAYS = 7;
    private static final String NONE = "$none";

    private final EventStore store;
    private final Scope scope;
    private final AarrrStages stages;
    private final AnalyticsSettings project;
    private final Interval interval;
    private final DateRange range;
    private final List<LocalDate> periods;

    AarrrReport(EventStore store, Scope scope, AnalyticsSettings project, Interval interval, DateRange range) {
        this.store = store;
        this.scope = scope;
        this.project = project;
        this.stages = project.getAarrr();
        this.interval = interval;
        this.range = range;
        this.periods = interval.periods(range.from(), range.to());
    }

    Uni<List<AnalyticsQueries.AarrrPeriod>> run() {
        String acquisition = stages.getAcquisitionProperty().isEmpty()
                ? DEFAULT_ACQUISITION
                : stages.getAcquisitionProperty();
        int activationDays = stages.getActivationDays() == 0 ? DEFAULT_ACTIVATION_DAYS : stages.getActivationDays();
        EventMatch activation = AnalyticsQueries.activationMatch(project);
        EventMatch referral = stages.hasReferral()
                ? QueryMapper.match(stages.getReferral(), "aarrr.referral", true)
                : null;
        EventMatch revenue = AnalyticsQueries.revenueMatch(project);
        Uni<List<EventStore.TrendRow>> referralEvents = referral == null
                ? Uni.createFrom().item(List.of())
                : store.trend(scope, new Metric("referrals", referral, Metric.Aggregation.TOTAL, null), range,
                        interval, null, 0);
        Uni<List<EventStore.TrendRow>> referrers = referral == null
                ? Uni.createFrom().item(List.of())
                : store.trend(scope, new Metric("referrers", referral, Metric.Aggregation.UNIQUE_USERS, null), range,
                        interval, null, 0);
        Uni<Map<String, Map<LocalDate, Double>>> sums = revenue == null
                ? Uni.createFrom().item(Map.of())
                : store.sums(scope, revenue, AnalyticsQueries.revenueProperty(project), range, interval);
        Uni<Map<String, Instant>> activations = activation == null
                ? Uni.createFrom().item(Map.of())
                : store.firstOccurrences(scope, activation, range.startInstant(),
                        range.endInstant().plus(Duration.ofDays(activationDays)));
        LocalDate previous = interval.plus(periods.get(0), -1);
        return Uni.combine().all()
                .unis(store.firstSeen(scope, range.startInstant(), range.endInstant(), acquisition), activations,
                        store.activeDays(scope, EventMatch.named(null), previous, range.to(), range.zone()),
                        referralEvents, referrers, sums)
                .asTuple()
                .map(all -> compute(all.getItem1(), all.getItem2(), all.getItem3(), all.getItem4(), all.getItem5(),
                        all.getItem6(), Duration.ofDays(activationDays)));
    }

    private int period(LocalDate day) {
        return (int) interval.between(periods.get(0), interval.start(day));
    }

    private List<AnalyticsQueries.AarrrPeriod> compute(List<EventStore.FirstSeen> newUsers,
            Map<String, Instant> activations, Map<String, int[]> active, List<EventStore.TrendRow> referralEvents,
            List<EventStore.TrendRow> referrers, Map<String, Map<LocalDate, Double>> sums, Duration activationWindow) {
        int n = periods.size();
        long[] fresh = new long[n];
        List<Map<String, Long>> bySource = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            bySource.add(new TreeMap<>());
        }
        long[] activated = new long[n];
        long[] referred = new long[n];
        String referralSource = stages.getReferralSource().isEmpty()
                ? DEFAULT_REFERRAL_SOURCE
                : stages.getReferralSource();
        for (EventStore.FirstSeen person : newUsers) {
            int p = period(range.dayOf(person.at()));
            fresh[p]++;
            String source = person.source() == null ? NONE : person.source();
            bySource.get(p).merge(source, 1L, Long::sum);
            if (source.equals(referralSource)) {
                referred[p]++;
            }
            Instant activatedAt = activations.get(person.person());
            if (activatedAt != null && !activatedAt.isAfter(person.at().plus(activationWindow))) {
                activated[p]++;
            }
        }
        long[] activeUsers = new long[n];
        long[] retained = new long[n];
        long[] previouslyActive = new long[n];
        for (int[] days : active.values()) {
            boolean[] on = new boolean[n + 1];
            for (int day : days) {
                int p = period(LocalDate.ofEpochDay(day));
                if (p >= -1 && p < n) {
                    on[p + 1] = true;
                }
            }
            for (int p = 0; p < n; p++) {
                if (on[p + 1]) {
                    activeUsers[p]++;
                }
                if (on[p]) {
                    previouslyActive[p]++;
                    if (on[p + 1]) {
                        retained[p]++;
                    }
                }
            }
        }
        double[] revenue = new double[n];
        long[] paying = new long[n];
        for (Map<LocalDate, Double> person : sums.values()) {
            person.forEach((period, amount) -> {
                int p = period(period);
                if (p >= 0 && p < n) {
                    revenue[p] += amount;
                    if (amount > 0) {
                        paying[p]++;
                    }
                }
            });
        }
        long[] referralCount = perPeriod(referralEvents);
        long[] referrerCount = perPeriod(referrers);
        List<AnalyticsQueries.AarrrPeriod> rows = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            rows.add(new AnalyticsQueries.AarrrPeriod(periods.get(p), fresh[p], bySource.get(p), activated[p],
                    ratio(activated[p], fresh[p]), retained[p], ratio(retained[p], previouslyActive[p]),
                    referralCount[p], referrerCount[p], referred[p], revenue[p],
                    activeUsers[p] == 0 ? 0 : revenue[p] / activeUsers[p], ratio(paying[p], activeUsers[p]),
                    activeUsers[p]));
        }
        return rows;
    }

    private long[] perPeriod(List<EventStore.TrendRow> rows) {
        long[] out = new long[periods.size()];
        for (EventStore.TrendRow row : rows) {
            int p = period(row.period());
            if (p >= 0 && p < out.length) {
                out[p] += (long) row.value();
            }
        }
        return out;
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0.0 : (double) part / whole;
    }
}
