package dev.flywheel.metrics;

import static dev.flywheel.metrics.AnalyticsGrpc.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.flywheel.proto.analytics.v1.DeleteMetricRequest;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.ExperimentMetricsServiceGrpc;
import dev.flywheel.proto.analytics.v1.ExperimentMetricsServiceGrpc.ExperimentMetricsServiceBlockingStub;
import dev.flywheel.proto.analytics.v1.GetMetricRequest;
import dev.flywheel.proto.analytics.v1.ListMetricAuditRequest;
import dev.flywheel.proto.analytics.v1.ListMetricsRequest;
import dev.flywheel.proto.analytics.v1.MetricType;
import dev.flywheel.proto.analytics.v1.PutMetricRequest;
import dev.flywheel.proto.common.v1.AuditEntry;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;

/** Experiment metric definitions: versioned, checked as a whole, for the project's admin keys only. */
@QuarkusTest
class ExperimentMetricsTest {

    private static final ExperimentMetric PURCHASE = ExperimentMetric.newBuilder().setKey("purchase")
            .setName("Purchased within 3 days").setType(MetricType.METRIC_TYPE_CONVERSION)
            .setEvents(event("Purchased")).setWindowSeconds(3 * 86_400).build();

    private static void assertStatus(Status.Code code, String text, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
        assertTrue(text == null || e.getStatus().getDescription().contains(text), e.getStatus().getDescription());
    }

    @Test
    void metricsAreVersionedAndCheckedAsAWhole() {
        try (AnalyticsGrpc grpc = new AnalyticsGrpc()) {
            ExperimentMetricsServiceBlockingStub metrics = TestKeys.ADMIN_B
                    .on(ExperimentMetricsServiceGrpc.newBlockingStub(grpc.channel()));
            ExperimentMetric created = metrics.putMetric(PutMetricRequest.newBuilder().setMetric(PURCHASE)
                    .setExpectedVersion(-1).build());
            assertEquals(1, created.getVersion());
            assertStatus(Status.Code.ABORTED, "exists", () -> metrics.putMetric(PutMetricRequest.newBuilder()
                    .setMetric(PURCHASE).setExpectedVersion(-1).build()));
            ExperimentMetric updated = metrics.putMetric(PutMetricRequest.newBuilder().setMetric(PURCHASE
                    .toBuilder().setWindowSeconds(86_400)).setExpectedVersion(1).build());
            assertEquals(2, updated.getVersion());
            assertStatus(Status.Code.ABORTED, "version 2", () -> metrics.putMetric(PutMetricRequest.newBuilder()
                    .setMetric(PURCHASE).setExpectedVersion(1).build()));
            assertEquals(86_400, metrics.getMetric(GetMetricRequest.newBuilder().setKey("purchase").build())
                    .getWindowSeconds());
            assertEquals(1, metrics.listMetrics(ListMetricsRequest.getDefaultInstance()).getMetricsCount());
            assertStatus(Status.Code.ABORTED, null, () -> metrics.deleteMetric(DeleteMetricRequest.newBuilder()
                    .setKey("purchase").setExpectedVersion(1).build()));
            metrics.deleteMetric(DeleteMetricRequest.newBuilder().setKey("purchase").setExpectedVersion(2).build());
            assertStatus(Status.Code.NOT_FOUND, "purchase", () -> metrics.getMetric(GetMetricRequest.newBuilder()
                    .setKey("purchase").build()));
            assertStatus(Status.Code.NOT_FOUND, null, () -> metrics.deleteMetric(DeleteMetricRequest.newBuilder()
                    .setKey("purchase").build()));
        }
    }

    @Test
    void everyChangeIsAuditedWithWhoBeforeAndAfter() {
        try (AnalyticsGrpc grpc = new AnalyticsGrpc()) {
            ExperimentMetricsServiceBlockingStub metrics = TestKeys.ADMIN_A
                    .on(ExperimentMetricsServiceGrpc.newBlockingStub(grpc.channel()));
            ExperimentMetric audited = PURCHASE.toBuilder().setKey("audited-purchase").build();
            metrics.putMetric(PutMetricRequest.newBuilder().setMetric(audited).setExpectedVersion(-1).build());
            metrics.putMetric(PutMetricRequest.newBuilder().setMetric(audited.toBuilder().setName("Renamed"))
                    .setExpectedVersion(1).build());
            // A refused change leaves no entry.
            assertStatus(Status.Code.ABORTED, null, () -> metrics.putMetric(PutMetricRequest.newBuilder()
                    .setMetric(audited).setExpectedVersion(1).build()));
            metrics.deleteMetric(DeleteMetricRequest.newBuilder().setKey("audited-purchase").build());

            List<AuditEntry> entries = metrics.listMetricAudit(ListMetricAuditRequest.newBuilder()
                    .setKey("audited-purchase").build()).getEntriesList();
            assertEquals(List.of("deleted", "updated", "created"),
                    entries.stream().map(AuditEntry::getAction).toList());
            assertEquals(List.of(2L, 2L, 1L), entries.stream().map(AuditEntry::getVersion).toList());
            entries.forEach(entry -> {
                assertTrue(entry.getActor().startsWith("key:"), entry.getActor());
                assertEquals("", entry.getEnvironment());
                assertEquals("audited-purchase", entry.getKey());
            });
            assertEquals("", entries.get(2).getBeforeJson());
            assertTrue(entries.get(2).getAfterJson().contains("\"name\":\"Purchased within 3 days\""),
                    entries.get(2).getAfterJson());
            assertTrue(entries.get(1).getBeforeJson().contains("Purchased within 3 days"));
            assertTrue(entries.get(1).getAfterJson().contains("\"name\":\"Renamed\""));
            assertTrue(entries.get(0).getBeforeJson().contains("Renamed"));
            assertEquals("", entries.get(0).getAfterJson());
            // Paged newest first; another project's log is its own.
            List<AuditEntry> first = metrics.listMetricAudit(ListMetricAuditRequest.newBuilder()
                    .setKey("audited-purchase").setPageSize(2).build()).getEntriesList();
            assertEquals(2, first.size());
            assertEquals(List.of("created"), metrics.listMetricAudit(ListMetricAuditRequest.newBuilder()
                    .setKey("audited-purchase").setPageSize(2).setBeforeId(first.get(1).getId()).build())
                    .getEntriesList().stream().map(AuditEntry::getAction).toList());
            assertEquals(0, TestKeys.ADMIN_B.on(ExperimentMetricsServiceGrpc.newBlockingStub(grpc.channel()))
                    .listMetricAudit(ListMetricAuditRequest.newBuilder().setKey("audited-purchase").build())
                    .getEntriesCount());
        }
    }

    @Test
    void badDefinitionsNameTheField() {
        try (AnalyticsGrpc grpc = new AnalyticsGrpc()) {
            ExperimentMetricsServiceBlockingStub metrics = TestKeys.ADMIN_B
                    .on(ExperimentMetricsServiceGrpc.newBlockingStub(grpc.channel()));
            Map<String, UnaryOperator<ExperimentMetric.Builder>> bad = new LinkedHashMap<>();
            bad.put("key", m -> m.setKey("Bad Key"));
            bad.put("type", m -> m.setType(MetricType.METRIC_TYPE_UNSPECIFIED));
            bad.put("events", m -> m.clearEvents());
            bad.put("property", m -> m.setType(MetricType.METRIC_TYPE_SUM));
            bad.put("denominatorEvents", m -> m.setType(MetricType.METRIC_TYPE_RATIO));
            bad.put("windowStartSeconds", m -> m.setType(MetricType.METRIC_TYPE_RETENTION));
            bad.put("winsorizePercentile", m -> m.setWinsorizePercentile(0.95));
            bad.put("cupedDays", m -> m.setCupedDays(100));
            for (var entry : bad.entrySet()) {
                assertStatus(Status.Code.INVALID_ARGUMENT, entry.getKey(), () -> metrics.putMetric(PutMetricRequest
                        .newBuilder().setMetric(entry.getValue().apply(PURCHASE.toBuilder())).build()));
            }
            assertStatus(Status.Code.PERMISSION_DENIED, null, () -> TestKeys.SERVER_B.on(
                    ExperimentMetricsServiceGrpc.newBlockingStub(grpc.channel())).listMetrics(
                            ListMetricsRequest
                                    .getDefaultInstance()));
        }
    }
}
