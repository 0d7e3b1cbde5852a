package dev.flywheel.metrics;

import static dev.flywheel.metrics.AnalyticsGrpc.event;
import static dev.flywheel.metrics.AnalyticsGrpc.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.flywheel.proto.analytics.v1.ActivationCandidate;
import dev.flywheel.proto.analytics.v1.ActivationDiscoveryRequest;
import dev.flywheel.proto.analytics.v1.ActivationDiscoveryResponse;
import dev.flywheel.proto.analytics.v1.ActiveUsersRequest;
import dev.flywheel.proto.analytics.v1.CorrelationCandidate;
import dev.flywheel.proto.analytics.v1.CorrelationOptions;
import dev.flywheel.proto.analytics.v1.CorrelationResponse;
import dev.flywheel.proto.analytics.v1.FunnelCorrelationRequest;
import dev.flywheel.proto.analytics.v1.FunnelOutcome;
import dev.flywheel.proto.analytics.v1.FunnelPeopleRequest;
import dev.flywheel.proto.analytics.v1.FunnelPeopleResponse;
import dev.flywheel.proto.analytics.v1.FunnelRequest;
import dev.flywheel.proto.analytics.v1.GetPersonRequest;
import dev.flywheel.proto.analytics.v1.Interval;
import dev.flywheel.proto.analytics.v1.LifecycleRequest;
import dev.flywheel.proto.analytics.v1.LifecycleResponse;
import dev.flywheel.proto.analytics.v1.PathPeopleRequest;
import dev.flywheel.proto.analytics.v1.PathsRequest;
import dev.flywheel.proto.analytics.v1.PathsResponse;
import dev.flywheel.proto.analytics.v1.PersonEvent;
import dev.flywheel.proto.analytics.v1.PersonExperiment;
import dev.flywheel.proto.analytics.v1.PersonProfile;
import dev.flywheel.proto.analytics.v1.PropertyFilter;
import dev.flywheel.proto.analytics.v1.PropertyOperator;
import dev.flywheel.proto.analytics.v1.RetentionCorrelationRequest;
import dev.flywheel.proto.analytics.v1.RetentionPeopleRequest;
import dev.flywheel.proto.analytics.v1.RetentionPeopleResponse;
import dev.flywheel.proto.analytics.v1.RetentionRequest;
import dev.flywheel.proto.analytics.v1.RetentionResponse;
import dev.flywheel.proto.analytics.v1.SearchPeopleRequest;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Funnel and retention correlation and activation discovery over small hand-computed datasets sent through Kafka.
 * The p-values are exact (rational arithmetic) and the intervals were computed independently.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValueMapQueriesTest {

    @Inject
    Pool pool;

    private final String journeys = "journeys-" + UUID.randomUUID().toString().substring(0, 8);
    private final String newcomers = "newcomers-" + UUID.randomUUID().toString().substring(0, 8);
    private AnalyticsGrpc grpc;

    private static Instant at(String day, int minute) {
        return Instant.parse(day + "T10:00:00Z").plusSeconds(60L * minute);
    }

    /**
     * Journeys: twelve people p0–p11 view pricing on 2 March (p0 anonymously, then identified), p0–p5 with plan
     * "pro", the others "free". p0–p5 watch the demo, p0, p1, p6 and p7 read the docs, p0–p4 and p6 purchase, all
     * that day; p0 and p1 are at "large" companies (traits). p0, p1, p2 and p6 come back on 3 March.
     * <p>
     * Newcomers: forty people a0–a39 sign up on 2 March; a0–a9 invite a teammate twice in their first days, a10–a14
     * once; a0–a8, a10, a11 and a15–a20 come back on day 8.
     */
    @BeforeAll
    void sendEvents() throws Exception {
        grpc = new AnalyticsGrpc();
        StoreQueries store = new StoreQueries(pool);
        try (EventFeed feed = new EventFeed("project-a", journeys)) {
            List<Event.Builder> events = new ArrayList<>();
            String day = "2026-03-02";
            events.add(feed.anonymous("anon-p0", "Viewed Pricing", at(day, 0)).setProperties(ProtoValues.toStruct(Map
                    .of("plan", "pro"))));
            events.add(feed.identify("anon-p0", "p0", at(day, 1), Map.of("company_size", "large")));
            events.add(feed.identify("anon-p1", "p1", at(day, 1), Map.of("company_size", "large")));
            for (int i = 1; i < 12; i++) {
                events.add(feed.track("p" + i, "Viewed Pricing", at(day, i), Map.of("plan", i < 6 ? "pro" : "free")));
            }
            for (int i = 0; i < 12; i++) {
                String person = "p" + i;
                if (i < 6) {
                    events.add(feed.track(person, "Watched Demo", at(day, 20 + i), Map.of()));
                }
                if (i < 2 || i == 6 || i == 7) {
                    events.add(feed.track(person, "Read Docs", at(day, 40 + i), Map.of()));
                }
                if (i < 5 || i == 6) {
                    events.add(feed.track(person, "Purchased", at(day, 60 + i), Map.of()));
                }
                if (i < 3 || i == 6) {
                    events.add(feed.track(person, "Came Back", at("2026-03-03", i), Map.of()));
                }
            }
            // p0–p5 were shown the treatment of "pricing-test" (p0 while anonymous), p6–p9 the control
            for (int i = 0; i < 10; i++) {
                events.add(feed.exposure(i == 0 ? "anon-p0" : "p" + i, "pricing-test", i < 6 ? 1 : 0, Instant
                        .parse("2026-03-02T09:00:00Z")));
            }
            feed.send(events.toArray(Event.Builder[]::new));
            store.awaitEvents(journeys, events.size());
        }
        try (EventFeed feed = new EventFeed("project-a", newcomers)) {
            List<Event.Builder> events = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String person = "a" + i;
                events.add(feed.track(person, "Signed Up", at("2026-03-02", i), Map.of()));
                int invites = i < 10 ? 2 : i < 15 ? 1 : 0;
                for (int n = 0; n < invites; n++) {
                    events.add(feed.track(person, "Invited Teammate", at("2026-03-0" + (3 + n), i), Map.of()));
                }
                if (i < 9 || i == 10 || i == 11 || i >= 15 && i <= 20) {
                    events.add(feed.track(person, "Came Back", at("2026-03-10", i), Map.of()));
                }
            }
            feed.send(events.toArray(Event.Builder[]::new));
            store.awaitEvents(newcomers, events.size());
        }
    }

    @AfterAll
    void close() {
        grpc.close();
    }

    private FunnelCorrelationRequest.Builder funnelCorrelation() {
        return FunnelCorrelationRequest.newBuilder().setEnvironment(journeys).setFunnel(FunnelRequest.newBuilder()
                .setRange(range("2026-03-02", "2026-03-08")).addSteps(event("Viewed Pricing"))
                .addSteps(event("Purchased")).setWindowSeconds(86_400))
                .setOptions(CorrelationOptions.newBuilder().addEventProperties("plan").addPersonProperties(
                        "company_size").setMinPeople(1));
    }

    private RetentionCorrelationRequest.Builder retentionCorrelation() {
        return RetentionCorrelationRequest.newBuilder().setEnvironment(journeys).setRetention(RetentionRequest
                .newBuilder().setRange(range("2026-03-02", "2026-03-02")).setStart(event("Viewed Pricing"))
                .setReturn(event("Came Back")).setPeriods(4))
                .setOptions(CorrelationOptions.newBuilder().addEventProperties("plan").addPersonProperties(
                        "company_size").setMinPeople(1));
    }

    private ActivationDiscoveryRequest.Builder activation() {
        return ActivationDiscoveryRequest.newBuilder().setEnvironment(newcomers).setRange(range("2026-03-02",
                "2026-03-04")).addThresholds(1).addThresholds(2).addThresholds(3).setMinPeople(5);
    }

    /** A candidate as "name: success with, failure with, success without, failure without". */
    private static String table(CorrelationCandidate c) {
        String name = c.getEvent().isEmpty() ? c.getProperty() + "=" + c.getValue() : c.getEvent();
        return name + ": " + c.getSuccessWith() + " " + c.getFailureWith() + " " + c.getSuccessWithout() + " " + c
                .getFailureWithout();
    }

    @Test
    void funnelCorrelationComparesConvertersWithPeopleWhoDropped() {
        CorrelationResponse answer = grpc.queries(TestKeys.ADMIN_A).funnelCorrelation(funnelCorrelation().build());
        assertEquals(6, answer.getSuccesses());
        assertEquals(6, answer.getFailures());
        assertEquals(6, answer.getTested(), "the funnel's own steps are no candidates");
        // p0's anonymous view carries "pro": the merge gives it to p0; coming back the next day is in the read
        assertEquals(List.of("Came Back: 4 0 2 6", "Watched Demo: 5 1 1 5", "plan=free: 1 5 5 1", "plan=pro: 5 1 1 5",
                "person.company_size=large: 2 0 4 6", "Read Docs: 3 1 3 5"),
                answer.getCandidatesList().stream()
                        .map(ValueMapQueriesTest::table).toList());
        CorrelationCandidate demo = answer.getCandidates(1);
        assertEquals(25.0, demo.getOddsRatio(), 1e-9);
        assertEquals(0.08008658008658008, demo.getPValue(), 1e-12);
        assertEquals(5 * 0.08008658008658008, demo.getAdjustedPValue(), 1e-12);
        assertTrue(demo.getOddsRatioLower() < 25 && demo.getOddsRatioUpper() > 25);
        CorrelationCandidate large = answer.getCandidates(4);
        assertEquals(2.5 * 6.5 / (0.5 * 4.5), large.getOddsRatio(), 1e-9, "a zero cell: 0.5 added to each");
        assertEquals(0.45454545454545453, large.getPValue(), 1e-12);

        CorrelationResponse eventsOnly = grpc.queries(TestKeys.ADMIN_A).funnelCorrelation(funnelCorrelation()
                .setOptions(CorrelationOptions.newBuilder().setMinPeople(5).setLimit(1)).build());
        assertEquals(1, eventsOnly.getTested(), "Read Docs and Came Back (4 people each) are too rare");
        assertEquals(List.of("Watched Demo: 5 1 1 5"), eventsOnly.getCandidatesList().stream().map(
                ValueMapQueriesTest::table).toList());
    }

    @Test
    void funnelPeopleAreWhoCorrelationCountsAtEachStep() {
        FunnelRequest funnel = funnelCorrelation().getFunnel();
        java.util.function.BiFunction<Integer, FunnelOutcome, FunnelPeopleResponse> people = (step, outcome) -> grpc
                .queries(TestKeys.ADMIN_A).funnelPeople(FunnelPeopleRequest.newBuilder().setEnvironment(journeys)
                        .setFunnel(funnel).setStep(step).setOutcome(outcome).build());
        FunnelPeopleResponse converted = people.apply(0, FunnelOutcome.FUNNEL_OUTCOME_CONVERTED);
        FunnelPeopleResponse dropped = people.apply(0, FunnelOutcome.FUNNEL_OUTCOME_DROPPED);
        FunnelPeopleResponse reached = people.apply(0, FunnelOutcome.FUNNEL_OUTCOME_REACHED);
        assertEquals(6, converted.getTotal(), "correlation's successes");
        assertEquals(6, dropped.getTotal(), "correlation's failures: every window has closed");
        assertEquals(0, people.apply(0, FunnelOutcome.FUNNEL_OUTCOME_IN_PROGRESS).getTotal());
        assertEquals(converted.getPeopleList(), people.apply(1, FunnelOutcome.FUNNEL_OUTCOME_REACHED)
                .getPeopleList());
        java.util.List<String> both = new java.util.ArrayList<>(converted.getPeopleList());
        both.addAll(dropped.getPeopleList());
        both.sort(null);
        assertEquals(both, reached.getPeopleList(), "reached is converted and dropped, sorted, apart");
        FunnelPeopleResponse two = grpc.queries(TestKeys.ADMIN_A).funnelPeople(FunnelPeopleRequest.newBuilder()
                .setEnvironment(journeys).setFunnel(funnel).setOutcome(FunnelOutcome.FUNNEL_OUTCOME_DROPPED)
                .setLimit(2).build());
        assertEquals(dropped.getPeopleList().subList(0, 2), two.getPeopleList());
        assertEquals(6, two.getTotal());

        for (FunnelPeopleRequest bad : List.of(
                FunnelPeopleRequest.newBuilder().setEnvironment(journeys).setFunnel(funnel).setStep(2)
                        .setOutcome(FunnelOutcome.FUNNEL_OUTCOME_REACHED).build(),
                FunnelPeopleRequest.newBuilder().setEnvironment(journeys).setFunnel(funnel).setStep(1)
                        .setOutcome(FunnelOutcome.FUNNEL_OUTCOME_DROPPED).build(),
                FunnelPeopleRequest.newBuilder().setEnvironment(journeys).setFunnel(funnel).build(),
                FunnelPeopleRequest.newBuilder().setEnvironment(journeys).setFunnel(funnel).setLimit(1_001)
                        .setOutcome(FunnelOutcome.FUNNEL_OUTCOME_REACHED).build(),
                FunnelPeopleRequest.newBuilder().setEnvironment(journeys).setFunnel(funnel.toBuilder().clearSteps())
                        .setOutcome(FunnelOutcome.FUNNEL_OUTCOME_REACHED).build())) {
            io.grpc.StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    io.grpc.StatusRuntimeException.class, () -> grpc.queries(TestKeys.ADMIN_A).funnelPeople(bad));
            assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), bad.toString());
        }
        io.grpc.StatusRuntimeException client = org.junit.jupiter.api.Assertions.assertThrows(
                io.grpc.StatusRuntimeException.class, () -> grpc.queries(TestKeys.CLIENT_A).funnelPeople(
                        FunnelPeopleRequest.newBuilder().setEnvironment(journeys).setFunnel(funnel)
                                .setOutcome(FunnelOutcome.FUNNEL_OUTCOME_REACHED).build()));
        assertEquals(io.grpc.Status.Code.PERMISSION_DENIED, client.getStatus().getCode());
    }

    @Test
    void activeUsersAndLifecycleCountOnlyEventsWithTheFilteredProperties() {
        PropertyFilter pro = PropertyFilter.newBuilder().setProperty("plan")
                .setOperator(PropertyOperator.PROPERTY_OPERATOR_EQUALS).addValues("pro").build();
        ActiveUsersRequest.Builder active = ActiveUsersRequest.newBuilder().setEnvironment(journeys).setRange(range(
                "2026-03-02", "2026-03-02")).setEvent("Viewed Pricing");
        assertEquals(12, grpc.queries(TestKeys.ADMIN_A).activeUsers(active.build()).getDays(0).getDau());
        assertEquals(6, grpc.queries(TestKeys.ADMIN_A).activeUsers(active.addFilters(pro).build()).getDays(0)
                .getDau(), "p0 (anonymously, merged) and p1-p5 viewed pricing on the pro plan");
        LifecycleResponse lifecycle = grpc.queries(TestKeys.ADMIN_A).lifecycle(LifecycleRequest.newBuilder()
                .setEnvironment(journeys).setRange(range("2026-03-02", "2026-03-02")).setEvent("Viewed Pricing")
                .addFilters(pro).build());
        assertEquals(6, lifecycle.getPeriods(0).getNew());
    }

    @Test
    void aRetentionCellsPeopleAreItsCount() {
        RetentionRequest retention = retentionCorrelation().getRetention();
        RetentionResponse table = grpc.queries(TestKeys.ADMIN_A).retention(retention.toBuilder().setEnvironment(
                journeys).build());
        java.util.function.BiFunction<String, Integer, RetentionPeopleResponse> cell = (cohort, period) -> grpc
                .queries(TestKeys.ADMIN_A).retentionPeople(RetentionPeopleRequest.newBuilder().setEnvironment(
                        journeys).setRetention(retention).setCohort(cohort).setPeriod(period).build());
        assertEquals("2026-03-02", table.getCohorts(0).getPeriod());
        for (int period = 0; period < table.getCohorts(0).getCountsCount(); period++) {
            assertEquals(table.getCohorts(0).getCounts(period), cell.apply("2026-03-02", period).getTotal(),
                    "period " + period);
        }
        assertEquals(List.of("p0", "p1", "p2", "p6"), cell.apply("2026-03-02", 1).getPeopleList(),
                "came back the next day");
        assertEquals(12, cell.apply("2026-03-02", 0).getPeopleCount(), "the cohort itself");
        assertEquals(0, cell.apply("2026-03-03", 1).getTotal(), "a cohort without people");
        for (RetentionPeopleRequest bad : List.of(
                RetentionPeopleRequest.newBuilder().setEnvironment(journeys).setRetention(retention)
                        .setCohort("March").build(),
                RetentionPeopleRequest.newBuilder().setEnvironment(journeys).setRetention(retention)
                        .setCohort("2026-03-02").setPeriod(4).build(),
                RetentionPeopleRequest.newBuilder().setEnvironment(journeys).setRetention(retention.toBuilder()
                        .setInterval(Interval.INTERVAL_WEEK)).setCohort("2026-03-03").build())) {
            assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, org.junit.jupiter.api.Assertions.assertThrows(
                    io.grpc.StatusRuntimeException.class, () -> grpc.queries(TestKeys.ADMIN_A).retentionPeople(bad))
                    .getStatus().getCode(), bad.toString());
        }
    }

    @Test
    void aPersonIsFoundByIdOrTraitAndTheirProfileHasEveryIdTraitsExperimentsAndEvents() {
        PersonProfile p0 = grpc.queries(TestKeys.ADMIN_A).getPerson(GetPersonRequest.newBuilder()
                .setEnvironment(journeys).setDistinctId("anon-p0").setDays(365).build());
        assertEquals("p0", p0.getPersonId());
        assertEquals(List.of("anon-p0", "p0"), p0.getDistinctIdsList());
        assertEquals("{\"company_size\":\"large\"}", p0.getTraitsJson());
        assertEquals(List.of("pricing-test"), p0.getExperimentsList().stream().map(PersonExperiment::getExperimentKey)
                .toList(), "exposed while anonymous: the person's");
        List<String> names = p0.getEventsList().stream().map(PersonEvent::getName).toList();
        assertEquals(List.of("Came Back", "Purchased", "Read Docs", "Watched Demo"), names.subList(0, 4), names
                .toString());
        assertTrue(names.contains("Viewed Pricing"), "the anonymous view is theirs: " + names);
        assertEquals("track", p0.getEvents(0).getType());
        assertEquals("2026-03-03T10:00:00Z", p0.getEvents(0).getAt(), "RFC 3339");
        assertEquals(2, grpc.queries(TestKeys.ADMIN_A).getPerson(GetPersonRequest.newBuilder().setEnvironment(journeys)
                .setDistinctId("p0").setDays(365).setLimit(2).build()).getEventsCount());
        assertEquals(0, grpc.queries(TestKeys.ADMIN_A).getPerson(GetPersonRequest.newBuilder().setEnvironment(journeys)
                .setDistinctId("p0").setDays(1).build()).getEventsCount(), "nothing in the last day");

        java.util.function.Function<String, List<String>> search = query -> grpc.queries(TestKeys.ADMIN_A)
                .searchPeople(SearchPeopleRequest.newBuilder().setEnvironment(journeys).setQuery(query).build())
                .getPeopleList().stream().map(found -> found.getDistinctId() + ">" + found.getPersonId()).sorted()
                .toList();
        assertEquals(List.of("p0>p0", "p1>p1"), search.apply("LARGE"), "a trait's value, any case");
        assertEquals(List.of("p0>p0", "p1>p1"), search.apply("company_size = large"));
        assertEquals(List.of(), search.apply("company_size=small"));
        assertEquals(List.of("anon-p0>p0", "anon-p1>p1"), search.apply("anon"), "linked ids too");
        assertEquals(List.of(), search.apply("%"), "a wildcard is a character");
        for (SearchPeopleRequest bad : List.of(SearchPeopleRequest.newBuilder().setEnvironment(journeys).build(),
                SearchPeopleRequest.newBuilder().setEnvironment(journeys).setQuery("x".repeat(201)).build(),
                SearchPeopleRequest.newBuilder().setEnvironment(journeys).setQuery("p").setLimit(201).build())) {
            assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, org.junit.jupiter.api.Assertions.assertThrows(
                    io.grpc.StatusRuntimeException.class, () -> grpc.queries(TestKeys.ADMIN_A).searchPeople(bad))
                    .getStatus().getCode());
        }
        assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, org.junit.jupiter.api.Assertions.assertThrows(
                io.grpc.StatusRuntimeException.class, () -> grpc.queries(TestKeys.ADMIN_A).getPerson(GetPersonRequest
                        .newBuilder().setEnvironment(journeys).setDistinctId("p0").setDays(366).build()))
                .getStatus().getCode());
        assertEquals(io.grpc.Status.Code.PERMISSION_DENIED, org.junit.jupiter.api.Assertions.assertThrows(
                io.grpc.StatusRuntimeException.class, () -> grpc.queries(TestKeys.CLIENT_A).getPerson(GetPersonRequest
                        .newBuilder().setEnvironment(journeys).setDistinctId("p0").build()))
                .getStatus().getCode());
    }

    @Test
    void retentionCorrelationComparesByWhatPeopleDidInTheirFirstPeriod() {
        CorrelationResponse answer = grpc.queries(TestKeys.ADMIN_A).retentionCorrelation(retentionCorrelation()
                .build());
        assertEquals(4, answer.getSuccesses());
        assertEquals(8, answer.getFailures());
        assertEquals(6, answer.getTested(), "the start event, held by everybody, is not tested; coming back is later");
        List<String> tables = answer.getCandidatesList().stream().map(ValueMapQueriesTest::table).toList();
        assertEquals(List.of("Purchased: 4 2 0 6", "Read Docs: 3 1 1 7", "person.company_size=large: 2 0 2 8"),
                tables.subList(0, 3));
        assertTrue(tables.containsAll(List.of("Watched Demo: 3 3 1 5", "plan=pro: 3 3 1 5", "plan=free: 1 5 3 3")),
                tables.toString());
        assertEquals(0.06060606060606061, answer.getCandidates(0).getPValue(), 1e-12);
        assertEquals(0.06666666666666667, answer.getCandidates(1).getPValue(), 1e-12);

        CorrelationResponse later = grpc.queries(TestKeys.ADMIN_A).retentionCorrelation(retentionCorrelation()
                .setPeriod(2).build());
        assertEquals(0, later.getSuccesses(), "nobody came back on the third day");
    }

    @Test
    void activationDiscoveryRanksTheEarlyActionThatGoesWithStaying() {
        ActivationDiscoveryResponse answer = grpc.queries(TestKeys.ADMIN_A).activationDiscovery(activation().build());
        assertEquals(40, answer.getNewPeople());
        assertEquals(40, answer.getObserved());
        assertEquals(17, answer.getRetained());
        assertEquals(2, answer.getTested(), "signing up is everybody's; three invites nobody's");
        assertTrue(answer.getCaution().contains("not cause"));
        ActivationCandidate twice = answer.getCandidates(0);
        assertEquals("Invited Teammate", twice.getAction());
        assertEquals(2, twice.getAtLeast());
        assertEquals(List.of(10L, 9L, 30L, 8L), List.of(twice.getPeople(), twice.getRetained(), twice.getOthers(),
                twice.getOthersRetained()));
        assertEquals(0.25, twice.getCoverage(), 1e-12);
        assertEquals(0.6333333333333333, twice.getLift(), 1e-12);
        assertEquals(0.2810200010725754, twice.getLiftLower(), 1e-9);
        assertEquals(0.7827634184319245, twice.getLiftUpper(), 1e-9);
        assertEquals(0.0006825586197402836, twice.getPValue(), 1e-15);
        assertEquals(2 * 0.0006825586197402836, twice.getAdjustedPValue(), 1e-15);
        assertTrue(twice.getSignificant());
        ActivationCandidate once = answer.getCandidates(1);
        assertEquals(List.of(1, 15L, 11L), List.of(once.getAtLeast(), once.getPeople(), once.getRetained()));
        assertEquals(0.174463220483419, once.getLiftLower(), 1e-9);
        assertEquals(0.003369738353053147, once.getPValue(), 1e-15);

        JsonObject experiment = new JsonObject(twice.getExperimentDefinitionJson());
        assertEquals("activation-invited-teammate", twice.getExperimentKey());
        assertEquals(2, experiment.getJsonArray("variations").size());
        JsonObject survey = new JsonObject(twice.getSurveyDefinitionJson());
        assertEquals("about-invited-teammate", twice.getSurveyKey());
        assertEquals("single_choice", survey.getJsonArray("questions").getJsonObject(0).getString("type"));

        ActivationDiscoveryResponse later = grpc.queries(TestKeys.ADMIN_A).activationDiscovery(activation()
                .setReturnFromDay(10).setReturnToDay(20).build());
        assertEquals(0, later.getRetained(), "day 8 is before the window");
        ActivationDiscoveryResponse oneAction = grpc.queries(TestKeys.ADMIN_A).activationDiscovery(activation()
                .addActions("Signed Up").build());
        assertEquals(0, oneAction.getTested());
    }

    @Test
    void pathsBreakDownByVariationAndPersonProperty() {
        PathsRequest.Builder paths = PathsRequest.newBuilder().setEnvironment(journeys).setRange(range("2026-03-02",
                "2026-03-02")).setStart("Viewed Pricing").setSteps(2).setMinShare(0);
        PathsResponse byVariation = grpc.queries(TestKeys.ADMIN_A).paths(paths.setBreakdown("experiments.pricing-test")
                .build());
        assertEquals(12, byVariation.getPeople());
        assertEquals(
                List.of("treatment 6 [1:Viewed Pricing>Watched Demo=6]", "control 4 [1:Viewed Pricing>Read Docs=2]",
                        "$none 2 []"),
                byVariation.getGroupsList().stream().map(g -> g.getBreakdown() + " " + g.getPeople() + " "
                        + g.getEdgesList().stream().map(e -> e.getStep() + ":" + e.getFrom() + ">" + e.getTo() + "=" + e
                                .getPeople()).toList())
                        .toList());
        assertEquals(List.of("p6", "p7"), grpc.queries(TestKeys.ADMIN_A).pathPeople(PathPeopleRequest.newBuilder()
                .setEnvironment(journeys).setPaths(paths).setGroup("control").setStep(1).setFrom("Viewed Pricing")
                .setTo("Read Docs").build()).getPeopleList().stream().sorted().toList());
        PathsResponse bySize = grpc.queries(TestKeys.ADMIN_A).paths(paths.setBreakdown("person.company_size").build());
        assertEquals(List.of("$none 10", "large 2"), bySize.getGroupsList().stream().map(g -> g.getBreakdown() + " " + g
                .getPeople()).toList());
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                TestKeys.ADMIN_A).paths(paths.setBreakdown("plan").build())).getStatus().getCode());
    }

    @Test
    void badValueMapRequestsAreRefused() {
        for (FunnelCorrelationRequest bad : List.of(
                funnelCorrelation().setOptions(CorrelationOptions.newBuilder().setLimit(501)).build(),
                funnelCorrelation().setOptions(CorrelationOptions.newBuilder().setAlpha(0.9)).build(),
                funnelCorrelation().setOptions(CorrelationOptions.newBuilder().addPersonProperties("person.plan"))
                        .build(),
                funnelCorrelation().setOptions(CorrelationOptions.newBuilder().setSkipEvents(true)).build(),
                funnelCorrelation().setOptions(CorrelationOptions.newBuilder().addEventProperties("a..b")).build(),
                funnelCorrelation().setFunnel(FunnelRequest.newBuilder().setRange(range("2026-03-02", "2026-03-08"))
                        .addSteps(event("Only one"))).build())) {
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                    TestKeys.ADMIN_A).funnelCorrelation(bad)).getStatus().getCode(), bad.toString());
        }
        CorrelationOptions.Builder tooMany = CorrelationOptions.newBuilder();
        for (int i = 0; i <= 10; i++) {
            tooMany.addEventProperties("p" + i);
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                TestKeys.ADMIN_A).funnelCorrelation(funnelCorrelation().setOptions(tooMany).build())).getStatus()
                .getCode());
        StatusRuntimeException period = assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                TestKeys.ADMIN_A).retentionCorrelation(retentionCorrelation().setPeriod(4).build()));
        assertTrue(period.getStatus().getDescription().contains("period"), period.getStatus().toString());
        ActivationDiscoveryRequest.Builder manyActions = activation();
        for (int i = 0; i <= 100; i++) {
            manyActions.addActions("action-" + i);
        }
        for (ActivationDiscoveryRequest bad : List.of(activation().setActionDays(91).build(), activation()
                .setReturnFromDay(3).build(), activation().setReturnToDay(400).build(),
                activation().addThresholds(2)
                        .build(),
                activation().addThresholds(1001).build(), activation().setLimit(201).build(), activation()
                        .setAlpha(0).build(),
                manyActions.build(), activation().addActions("").build())) {
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                    TestKeys.ADMIN_A).activationDiscovery(bad)).getStatus().getCode(), bad.toString());
        }
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () -> grpc.anonymous()
                .funnelCorrelation(funnelCorrelation().build())).getStatus().getCode());
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                TestKeys.CLIENT_A).retentionCorrelation(retentionCorrelation().build())).getStatus().getCode());
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                TestKeys.CLIENT_A).activationDiscovery(activation().build())).getStatus().getCode());
    }
}
