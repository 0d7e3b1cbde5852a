package dev.flywheel.metrics.grpc;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import dev.flywheel.analytics.FunnelOrder;
import dev.flywheel.analytics.FunnelResult;
import dev.flywheel.analytics.Interval;
import dev.flywheel.analytics.PathResult;
import dev.flywheel.analytics.PathSpec;
import dev.flywheel.analytics.RetentionCalculator;
import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.QueryMapper;
import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.service.AnalyticsQueries;
import dev.flywheel.metrics.service.CorrelationQueries;
import dev.flywheel.metrics.service.PeopleQueries;
import dev.flywheel.metrics.store.EventStore;
import dev.flywheel.proto.analytics.v1.AarrrPeriod;
import dev.flywheel.proto.analytics.v1.AarrrRequest;
import dev.flywheel.proto.analytics.v1.AarrrResponse;
import dev.flywheel.proto.analytics.v1.ActivationDiscoveryRequest;
import dev.flywheel.proto.analytics.v1.ActivationDiscoveryResponse;
import dev.flywheel.proto.analytics.v1.ActiveDay;
import dev.flywheel.proto.analytics.v1.ActiveUsersRequest;
import dev.flywheel.proto.analytics.v1.ActiveUsersResponse;
import dev.flywheel.proto.analytics.v1.AnalyticsQueryService;
import dev.flywheel.proto.analytics.v1.ChurnPeriod;
import dev.flywheel.proto.analytics.v1.ChurnRequest;
import dev.flywheel.proto.analytics.v1.ChurnResponse;
import dev.flywheel.proto.analytics.v1.Cohort;
import dev.flywheel.proto.analytics.v1.CorrelationResponse;
import dev.flywheel.proto.analytics.v1.FunnelCorrelationRequest;
import dev.flywheel.proto.analytics.v1.FunnelGroup;
import dev.flywheel.proto.analytics.v1.FunnelPeopleRequest;
import dev.flywheel.proto.analytics.v1.FunnelPeopleResponse;
import dev.flywheel.proto.analytics.v1.FunnelRequest;
import dev.flywheel.proto.analytics.v1.FunnelResponse;
import dev.flywheel.proto.analytics.v1.FunnelStep;
import dev.flywheel.proto.analytics.v1.GetPersonRequest;
import dev.flywheel.proto.analytics.v1.LifecyclePeriod;
import dev.flywheel.proto.analytics.v1.LifecycleRequest;
import dev.flywheel.proto.analytics.v1.LifecycleResponse;
import dev.flywheel.proto.analytics.v1.NamedSeries;
import dev.flywheel.proto.analytics.v1.NorthStarRequest;
import dev.flywheel.proto.analytics.v1.NorthStarResponse;
import dev.flywheel.proto.analytics.v1.PathEdge;
import dev.flywheel.proto.analytics.v1.PathGroup;
import dev.flywheel.proto.analytics.v1.PathNode;
import dev.flywheel.proto.analytics.v1.PathPeopleRequest;
import dev.flywheel.proto.analytics.v1.PathPeopleResponse;
import dev.flywheel.proto.analytics.v1.PathsRequest;
import dev.flywheel.proto.analytics.v1.PathsResponse;
import dev.flywheel.proto.analytics.v1.PersonProfile;
import dev.flywheel.proto.analytics.v1.Point;
import dev.flywheel.proto.analytics.v1.RetentionCorrelationRequest;
import dev.flywheel.proto.analytics.v1.RetentionPeopleRequest;
import dev.flywheel.proto.analytics.v1.RetentionPeopleResponse;
import dev.flywheel.proto.analytics.v1.RetentionRequest;
import dev.flywheel.proto.analytics.v1.RetentionResponse;
import dev.flywheel.proto.analytics.v1.SearchPeopleRequest;
import dev.flywheel.proto.analytics.v1.SearchPeopleResponse;
import dev.flywheel.proto.analytics.v1.Series;
import dev.flywheel.proto.analytics.v1.TimeToValueRequest;
import dev.flywheel.proto.analytics.v1.TimeToValueResponse;
import dev.flywheel.proto.analytics.v1.TrendsRequest;
import dev.flywheel.proto.analytics.v1.TrendsResponse;
import dev.flywheel.service.grpc.RefusedRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Analytics queries over gRPC, for backends (server key) and the gateway's REST API (admin or server key). */
@GrpcService
public class AnalyticsQueryGrpcService implements AnalyticsQueryService {

    static final Duration DEFAULT_WINDOW = Duration.ofDays(14);
    static final Duration MAX_WINDOW = Duration.ofDays(365);
    static final int DEFAULT_RETENTION_PERIODS = 8;

    private final CallerScope caller;
    private final AnalyticsQueries queries;
    private final CorrelationQueries correlations;
    private final PeopleQueries people;

    public AnalyticsQueryGrpcService(CallerScope caller, AnalyticsQueries queries, CorrelationQueries correlations,
            PeopleQueries people) {
        this.caller = caller;
        this.people = people;
        this.queries = queries;
        this.correlations = correlations;
    }

    /** Authenticates, runs the query with the caller's scope, and maps every failure to a status. */
    private <T> Uni<T> run(String environment, Function<Scope, Uni<T>> query) {
        return caller.reader(environment).chain(scope -> query.apply(scope)).onFailure()
                .transform(CallerScope::toStatus);
    }

    @Override
    public Uni<TrendsResponse> trends(TrendsRequest request) {
        return run(request.getEnvironment(), scope -> {
            LocalDate[] days = QueryMapper.days(request.getRange(), "range");
            if (!request.hasMetric()) {
                throw RefusedRequest.invalid("metric is required");
            }
            return queries.trends(scope, QueryMapper.metric(request.getMetric(), "metric"), days[0], days[1],
                    QueryMapper.interval(request.getInterval(), Interval.DAY),
                    QueryMapper.property(request.getBreakdown(), "breakdown"))
                    .map(series -> TrendsResponse.newBuilder()
                            .addAllSeries(series.stream().map(AnalyticsQueryGrpcService::series).toList()).build());
        });
    }

    static Series series(AnalyticsQueries.Series series) {
        Series.Builder out = Series.newBuilder().setBreakdown(series.breakdown()).setTotal(series.total());
        series.points().forEach(p -> out.addPoints(Point.newBuilder().setPeriod(p.period().toString())
                .setValue(p.value())));
        return out.build();
    }

    @Override
    public Uni<ActiveUsersResponse> activeUsers(ActiveUsersRequest request) {
        return run(request.getEnvironment(), scope -> {
            LocalDate[] days = QueryMapper.days(request.getRange(), "range");
            EventMatch match = QueryMapper.match(
                    dev.flywheel.proto.analytics.v1.EventMatcher.newBuilder().setEvent(request.getEvent())
                            .addAllFilters(request.getFiltersList()).build(),
                    "event", false);
            return queries.activeUsers(scope, days[0], days[1], match).map(active -> {
                ActiveUsersResponse.Builder out = ActiveUsersResponse.newBuilder()
                        .addAllStickiness(active.stickiness());
                active.days().forEach(d -> out.addDays(ActiveDay.newBuilder().setDay(d.day().toString())
                        .setDau(d.dau()).setWau(d.wau()).setMau(d.mau()).setDauOverMau(d.dauOverMau())));
                return out.build();
            });
        });
    }

    @Override
    public Uni<FunnelResponse> funnel(FunnelRequest request) {
        return run(request.getEnvironment(), scope -> queries.funnel(scope, funnelQuestion(request, "")).map(groups -> {
            FunnelResponse.Builder out = FunnelResponse.newBuilder();
            groups.forEach(group -> out.addGroups(funnelGroup(group)));
            return out.build();
        }));
    }

    /** A funnel request's question; {@code field} prefixes the names in errors ("funnel." when nested). */
    static AnalyticsQueries.FunnelQuestion funnelQuestion(FunnelRequest request, String field) {
        LocalDate[] days = QueryMapper.days(request.getRange(), field + "range");
        List<EventMatch> steps = new ArrayList<>();
        for (int i = 0; i < request.getStepsCount(); i++) {
            steps.add(QueryMapper.match(request.getSteps(i), field + "steps[" + i + "]", true));
        }
        List<AnalyticsQueries.Exclusion> exclusions = new ArrayList<>();
        for (int i = 0; i < request.getExclusionsCount(); i++) {
            var exclusion = request.getExclusions(i);
            exclusions.add(new AnalyticsQueries.Exclusion(QueryMapper.match(exclusion.getEvents(),
                    field + "exclusions[" + i + "].events", true), exclusion.getFromStep(), exclusion.getToStep()));
        }
        Duration window = request.getWindowSeconds() == 0
                ? DEFAULT_WINDOW
                : Duration.ofSeconds(request.getWindowSeconds());
        if (window.isNegative() || window.compareTo(MAX_WINDOW) > 0) {
            throw RefusedRequest.invalid(field + "windowSeconds: 1 second to 365 days");
        }
        FunnelOrder order = switch (request.getOrder()) {
            case FUNNEL_ORDER_UNSPECIFIED, FUNNEL_ORDER_ORDERED -> FunnelOrder.ORDERED;
            case FUNNEL_ORDER_STRICT -> FunnelOrder.STRICT;
            case FUNNEL_ORDER_UNORDERED -> FunnelOrder.UNORDERED;
            case UNRECOGNIZED -> throw RefusedRequest.invalid(field + "order is unknown");
        };
        return new AnalyticsQueries.FunnelQuestion(steps, order, window, exclusions, days[0], days[1], QueryMapper
                .property(request.getBreakdown(), field + "breakdown"));
    }

    private static FunnelGroup funnelGroup(FunnelResult.Group group) {
        FunnelGroup.Builder out = FunnelGroup.newBuilder()
                .setBreakdown(group.breakdown() == null ? "" : group.breakdown());
        for (FunnelResult.Step step : group.steps()) {
            FunnelStep.Builder s = FunnelStep.newBuilder().setIndex(step.index()).setCount(step.count())
                    .setConversionFromPrevious(step.conversionFromPrevious())
                    .setConversionFromFirst(step.conversionFromFirst()).setInProgress(step.inProgress())
                    .setDropped(step.dropped());
            if (step.medianSecondsToConvert() != null) {
                s.setMedianSecondsToConvert(step.medianSecondsToConvert());
                s.setAverageSecondsToConvert(step.meanSecondsToConvert());
            }
            out.addSteps(s);
        }
        return out.build();
    }

    @Override
    public Uni<RetentionResponse> retention(RetentionRequest request) {
        return run(request.getEnvironment(), scope -> queries.retention(scope, retentionQuestion(request, ""))
                .map(cohorts -> {
                    RetentionResponse.Builder out = RetentionResponse.newBuilder();
                    cohorts.forEach(c -> out.addCohorts(Cohort.newBuilder().setPeriod(c.start().toString())
                            .setSize(c.size()).addAllCounts(c.counts()).addAllShares(c.shares())));
                    return out.build();
                }));
    }

    /** A retention request's question; {@code field} prefixes the names in errors. */
    static AnalyticsQueries.RetentionQuestion retentionQuestion(RetentionRequest request, String field) {
        LocalDate[] days = QueryMapper.days(request.getRange(), field + "range");
        EventMatch start = QueryMapper.match(request.getStart(), field + "start", false);
        EventMatch back = QueryMapper.match(request.getReturn(), field + "return", false);
        RetentionCalculator.Type type = switch (request.getType()) {
            case RETENTION_TYPE_UNSPECIFIED, RETENTION_TYPE_FIRST_TIME -> RetentionCalculator.Type.FIRST_TIME;
            case RETENTION_TYPE_RECURRING -> RetentionCalculator.Type.RECURRING;
            case UNRECOGNIZED -> throw RefusedRequest.invalid(field + "type is unknown");
        };
        RetentionCalculator.Mode mode = switch (request.getMode()) {
            case RETENTION_MODE_UNSPECIFIED, RETENTION_MODE_ON -> RetentionCalculator.Mode.ON;
            case RETENTION_MODE_ON_OR_AFTER -> RetentionCalculator.Mode.ON_OR_AFTER;
            case UNRECOGNIZED -> throw RefusedRequest.invalid(field + "mode is unknown");
        };
        int periods = request.getPeriods() == 0 ? DEFAULT_RETENTION_PERIODS : request.getPeriods();
        return new AnalyticsQueries.RetentionQuestion(start, back, days[0], days[1], QueryMapper.interval(request
                .getInterval(), Interval.DAY), periods, type, mode);
    }

    @Override
    public Uni<LifecycleResponse> lifecycle(LifecycleRequest request) {
        return run(request.getEnvironment(), scope -> {
            LocalDate[] days = QueryMapper.days(request.getRange(), "range");
            EventMatch match = QueryMapper.match(
                    dev.flywheel.proto.analytics.v1.EventMatcher.newBuilder().setEvent(request.getEvent())
                            .addAllFilters(request.getFiltersList()).build(),
                    "event", false);
            return queries.lifecycle(scope, days[0], days[1],
                    QueryMapper.interval(request.getInterval(), Interval.DAY), match).map(periods -> {
                        LifecycleResponse.Builder out = LifecycleResponse.newBuilder();
                        periods.forEach(p -> out.addPeriods(LifecyclePeriod.newBuilder()
                                .setPeriod(p.start().toString()).setNew(p.fresh()).setReturning(p.returning())
                                .setResurrecting(p.resurrecting()).setDormant(p.dormant())));
                        return out.build();
                    });
        });
    }

    @Override
    public Uni<ChurnResponse> churn(ChurnRequest request) {
        return run(request.getEnvironment(), scope -> {
            LocalDate[] days = QueryMapper.days(request.getRange(), "range");
            return queries.churn(scope, days[0], days[1],
                    QueryMapper.interval(request.getInterval(), Interval.MONTH)).map(periods -> {
                        ChurnResponse.Builder out = ChurnResponse.newBuilder();
                        for (var p : periods) {
                            ChurnPeriod.Builder period = ChurnPeriod.newBuilder().setPeriod(p.start().toString())
                                    .setActive(p.active()).setRevenue(p.revenue());
                            if (p.churned() != null) {
                                period.setChurned(p.churned()).setNewRevenue(p.newRevenueNext())
                                        .setExpansion(p.expansion()).setContraction(p.contraction())
                                        .setChurnedRevenue(p.churnedRevenue());
                            }
                            if (p.churnRate() != null) {
                                period.setChurnRate(p.churnRate());
                            }
                            out.addPeriods(period);
                        }
                        return out.build();
                    });
        });
    }

    @Override
    public Uni<TimeToValueResponse> timeToValue(TimeToValueRequest request) {
        return run(request.getEnvironment(), scope -> {
            LocalDate[] days = QueryMapper.days(request.getRange(), "range");
            EventMatch activation = request.hasActivation()
                    ? QueryMapper.match(request.getActivation(), "activation", true)
                    : null;
            return queries.timeToValue(scope, days[0], days[1], activation).map(ttv -> {
                TimeToValueResponse.Builder out = TimeToValueResponse.newBuilder().setPeople(ttv.people())
                        .setActivated(ttv.activated());
                if (ttv.medianSeconds() != null) {
                    out.setMedianSeconds(ttv.medianSeconds()).setAverageSeconds(ttv.averageSeconds())
                            .setP90Seconds(ttv.p90Seconds());
                }
                return out.build();
            });
        });
    }

    @Override
    public Uni<AarrrResponse> aarrr(AarrrRequest request) {
        return run(request.getEnvironment(), scope -> {
            LocalDate[] days = QueryMapper.days(request.getRange(), "range");
            return queries.aarrr(scope, days[0], days[1], QueryMapper.interval(request.getInterval(), Interval.WEEK))
                    .map(periods -> {
                        AarrrResponse.Builder out = AarrrResponse.newBuilder();
                        for (var p : periods) {
                            out.addPeriods(AarrrPeriod.newBuilder().setPeriod(p.period().toString())
                                    .setNewUsers(p.newUsers()).putAllNewUsersBySource(p.newUsersBySource())
                                    .setActivated(p.activated()).setActivationRate(p.activationRate())
                                    .setRetained(p.retained()).setRetentionRate(p.retentionRate())
                                    .setReferralEvents(p.referralEvents()).setReferrers(p.referrers())
                                    .setReferredUsers(p.referredUsers()).setRevenue(p.revenue()).setArpu(p.arpu())
                                    .setPayingShare(p.payingShare()).setActiveUsers(p.activeUsers()));
                        }
                        return out.build();
                    });
        });
    }

    @Override
    public Uni<NorthStarResponse> northStar(NorthStarRequest request) {
        return run(request.getEnvironment(), scope -> {
            LocalDate[] days = QueryMapper.days(request.getRange(), "range");
            return queries.northStar(scope, days[0], days[1],
                    QueryMapper.interval(request.getInterval(), Interval.WEEK)).map(result -> {
                        NorthStarResponse.Builder out = NorthStarResponse.newBuilder().setName(result.name())
                                .setNorthStar(TrendsResponse.newBuilder().addSeries(series(result.northStar())));
                        for (int i = 0; i < result.inputs().size(); i++) {
                            out.addInputs(NamedSeries.newBuilder().setName(result.inputNames().get(i))
                                    .setSeries(series(result.inputs().get(i))));
                        }
                        return out.build();
                    });
        });
    }

    static final int DEFAULT_PATH_STEPS = 5;
    static final Duration DEFAULT_PATH_WINDOW = Duration.ofDays(1);
    static final Duration MAX_PATH_WINDOW = Duration.ofDays(30);
    static final double DEFAULT_MIN_SHARE = 0.01;
    static final int MAX_EXCLUDED_LABELS = 100;

    @Override
    public Uni<PathsResponse> paths(PathsRequest request) {
        return run(request.getEnvironment(), scope -> {
            LocalDate[] days = QueryMapper.days(request.getRange(), "range");
            return queries.paths(scope, pathsQuestion(request), days[0], days[1]).map(answer -> {
                PathResult.Group everybody = answer.everybody();
                PathsResponse.Builder out = PathsResponse.newBuilder().setPeople(everybody.people())
                        .addAllNodes(pathNodes(everybody)).addAllEdges(pathEdges(everybody));
                answer.groups().forEach(group -> out.addGroups(PathGroup.newBuilder().setBreakdown(group
                        .breakdown()).setPeople(group.people()).addAllNodes(pathNodes(group)).addAllEdges(pathEdges(
                                group))));
                return out.build();
            });
        });
    }

    private static List<PathNode> pathNodes(PathResult.Group group) {
        return group.nodes().stream().map(n -> PathNode.newBuilder().setStep(n.step()).setLabel(n.label()).setPeople(n
                .people()).setLeaving(n.leaving()).build()).toList();
    }

    private static List<PathEdge> pathEdges(PathResult.Group group) {
        return group.edges().stream().map(e -> PathEdge.newBuilder().setStep(e.step()).setFrom(e.from()).setTo(e.to())
                .setPeople(e.people()).build()).toList();
    }

    @Override
    public Uni<PathPeopleResponse> pathPeople(PathPeopleRequest request) {
        return run(request.getEnvironment(), scope -> {
            PathsRequest paths = request.getPaths();
            LocalDate[] days = QueryMapper.days(paths.getRange(), "paths.range");
            int limit = PeopleMapping.count(request.getLimit(), PeopleMapping.DEFAULT_PEOPLE,
                    PeopleMapping.MAX_PEOPLE, "limit");
            if (request.getStep() < 1 || request.getFrom().isEmpty() || request.getTo().isEmpty()) {
                throw RefusedRequest.invalid("a move is a step (from 1) with its from and to labels");
            }
            return queries.pathPeople(scope, pathsQuestion(paths), days[0], days[1], request.getGroup().isEmpty()
                    ? null
                    : request.getGroup(), request.getStep(),
                    request
                            .getFrom(),
                    request.getTo(), limit).map(
                            people -> PathPeopleResponse.newBuilder().addAllPeople(
                                    people).build());
        });
    }

    @Override
    public Uni<RetentionPeopleResponse> retentionPeople(RetentionPeopleRequest request) {
        return run(request.getEnvironment(), scope -> people.retentionPeople(scope, retentionQuestion(request
                .getRetention(), "retention."), PeopleMapping.cohort(request.getCohort()), request.getPeriod(),
                PeopleMapping.count(request.getLimit(), PeopleMapping.DEFAULT_PEOPLE, PeopleMapping.MAX_PEOPLE,
                        "limit"))
                .map(found -> RetentionPeopleResponse.newBuilder().addAllPeople(found.people())
                        .setTotal(found.total()).build()));
    }

    @Override
    public Uni<SearchPeopleResponse> searchPeople(SearchPeopleRequest request) {
        return run(request.getEnvironment(), scope -> people.search(scope, request.getQuery(), PeopleMapping.count(
                request.getLimit(), PeopleMapping.DEFAULT_FOUND, PeopleMapping.MAX_FOUND, "limit"))
                .map(found -> SearchPeopleResponse.newBuilder().addAllPeople(PeopleMapping.found(found)).build()));
    }

    @Override
    public Uni<PersonProfile> getPerson(GetPersonRequest request) {
        return run(request.getEnvironment(), scope -> {
            int days = PeopleMapping.count(request.getDays(), PeopleMapping.DEFAULT_DAYS, PeopleMapping.MAX_DAYS,
                    "days");
            int limit = PeopleMapping.count(request.getLimit(), PeopleMapping.DEFAULT_PEOPLE,
                    PeopleMapping.MAX_PEOPLE, "limit");
            return people.profile(scope, request.getDistinctId(), days, limit).map(PeopleMapping::profile);
        });
    }

    @Override
    public Uni<FunnelPeopleResponse> funnelPeople(FunnelPeopleRequest request) {
        return run(request.getEnvironment(), scope -> {
            int limit = PeopleMapping.count(request.getLimit(), PeopleMapping.DEFAULT_PEOPLE,
                    PeopleMapping.MAX_PEOPLE, "limit");
            return people.funnelPeople(scope, funnelQuestion(request.getFunnel(), "funnel."), request.getStep(),
                    PeopleMapping.outcome(request.getOutcome()), limit)
                    .map(found -> FunnelPeopleResponse.newBuilder().addAllPeople(found.people())
                            .setTotal(found.total()).build());
        });
    }

    @Override
    public Uni<CorrelationResponse> funnelCorrelation(FunnelCorrelationRequest request) {
        return run(request.getEnvironment(), scope -> correlations.funnel(scope, funnelQuestion(request.getFunnel(),
                "funnel."), CorrelationMapping.options(request.getOptions())).map(CorrelationMapping::answer));
    }

    @Override
    public Uni<CorrelationResponse> retentionCorrelation(RetentionCorrelationRequest request) {
        return run(request.getEnvironment(), scope -> correlations.retention(scope, retentionQuestion(request
                .getRetention(), "retention."), request.getPeriod() == 0 ? 1 : request.getPeriod(), CorrelationMapping
                        .options(request.getOptions()))
                .map(CorrelationMapping::answer));
    }

    @Override
    public Uni<ActivationDiscoveryResponse> activationDiscovery(ActivationDiscoveryRequest request) {
        return run(request.getEnvironment(), scope -> {
            CorrelationQueries.ActivationQuestion question = CorrelationMapping.activation(request);
            return correlations.activation(scope, question).map(answer -> CorrelationMapping.activation(answer,
                    question.actionDays()));
        });
    }

    private static AnalyticsQueries.PathsQuestion pathsQuestion(PathsRequest request) {
        EventStore.PathKind kind = switch (request.getKind()) {
            case PATH_KIND_UNSPECIFIED, PATH_KIND_EVENTS -> EventStore.PathKind.EVENTS;
            case PATH_KIND_PAGES -> EventStore.PathKind.PAGES;
            case PATH_KIND_SCREENS -> EventStore.PathKind.SCREENS;
            case UNRECOGNIZED -> throw RefusedRequest.invalid("kind is unknown");
        };
        Duration window = request.getWindowSeconds() == 0
                ? DEFAULT_PATH_WINDOW
                : Duration.ofSeconds(request.getWindowSeconds());
        if (window.isNegative() || window.compareTo(MAX_PATH_WINDOW) > 0) {
            throw RefusedRequest.invalid("windowSeconds: 1 second to 30 days");
        }
        List<PathSpec.Cleaning> cleaning = new ArrayList<>();
        for (int i = 0; i < request.getCleaningCount(); i++) {
            try {
                cleaning.add(PathSpec.Cleaning.of(request.getCleaning(i).getPattern(), request.getCleaning(i)
                        .getReplacement()));
            } catch (IllegalArgumentException e) {
                throw RefusedRequest.invalid("cleaning[" + i + "].pattern: " + e.getMessage());
            }
        }
        if (request.getExcludeCount() > MAX_EXCLUDED_LABELS) {
            throw RefusedRequest.invalid("exclude: at most " + MAX_EXCLUDED_LABELS + " labels");
        }
        return new AnalyticsQueries.PathsQuestion(kind, request.getSteps() == 0
                ? DEFAULT_PATH_STEPS
                : request
                        .getSteps(),
                request.getStart().isEmpty() ? null : request.getStart(), request.getEnd().isEmpty()
                        ? null
                        : request.getEnd(),
                window, request.hasMinShare() ? request.getMinShare() : DEFAULT_MIN_SHARE,
                cleaning, Set.copyOf(request.getExcludeList()), QueryMapper.property(request.getBreakdown(),
                        "breakdown"));
    }
}
