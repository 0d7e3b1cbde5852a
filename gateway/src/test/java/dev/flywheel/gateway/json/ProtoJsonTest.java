package dev.flywheel.gateway.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.proto.analytics.v1.AarrrPeriod;
import dev.flywheel.proto.analytics.v1.Aggregation;
import dev.flywheel.proto.analytics.v1.FunnelStep;
import dev.flywheel.proto.analytics.v1.PropertyOperator;
import dev.flywheel.proto.analytics.v1.TrendsRequest;

class ProtoJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    @Test
    void readsNestedMessagesRepeatedFieldsAndShortEnumNames() throws Exception {
        TrendsRequest request = ProtoJson.read(json("""
                {"metric": {"name": "buyers", "aggregation": "unique_users",
                            "events": {"event": "Paid", "filters": [{"property": "plan",
                                       "operator": "PROPERTY_OPERATOR_NOT_EQUALS", "values": ["free", "trial"]}]}},
                 "interval": "week", "breakdown": "plan"}"""), TrendsRequest.newBuilder(), "").build();
        assertEquals(Aggregation.AGGREGATION_UNIQUE_USERS, request.getMetric().getAggregation());
        assertEquals(PropertyOperator.PROPERTY_OPERATOR_NOT_EQUALS, request.getMetric().getEvents().getFilters(0)
                .getOperator());
        assertEquals(2, request.getMetric().getEvents().getFilters(0).getValuesCount());
        assertEquals("plan", request.getBreakdown());
    }

    @Test
    void refusesUnknownFieldsWrongTypesAndUnspecifiedEnums() throws Exception {
        ApiException unknown = assertThrows(ApiException.class,
                () -> ProtoJson.read(json("{\"metric\": {\"agg\": 1}}"), TrendsRequest.newBuilder(), ""));
        assertEquals("metric.agg", unknown.fieldErrors().get(0).field());
        assertThrows(ApiException.class, () -> ProtoJson.read(json("{\"breakdown\": 5}"), TrendsRequest.newBuilder(),
                ""));
        assertThrows(ApiException.class, () -> ProtoJson.read(json("{\"interval\": \"unspecified\"}"),
                TrendsRequest.newBuilder(), ""));
        assertThrows(ApiException.class, () -> ProtoJson.read(json("{\"environment_id\": \"x\"}"),
                TrendsRequest.newBuilder(), ""));
    }

    @Test
    void writesZerosButNotUnsetOptionalsAndMapsAsObjects() {
        JsonNode step = ProtoJson.write(FunnelStep.newBuilder().setIndex(0).setCount(0).build());
        assertEquals(0, step.get("count").asInt());
        assertFalse(step.has("medianSecondsToConvert"));
        JsonNode period = ProtoJson.write(AarrrPeriod.newBuilder().putNewUsersBySource("google", 3).build());
        assertEquals(3, period.get("newUsersBySource").get("google").asLong());
    }
}
