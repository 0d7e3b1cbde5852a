package dev.flywheel.metrics;

import java.util.concurrent.TimeUnit;

import dev.flywheel.proto.analytics.v1.AnalyticsAdminServiceGrpc;
import dev.flywheel.proto.analytics.v1.AnalyticsQueryServiceGrpc;
import dev.flywheel.proto.analytics.v1.DateRange;
import dev.flywheel.proto.analytics.v1.EventMatcher;
import dev.flywheel.proto.analytics.v1.PropertyFilter;
import dev.flywheel.proto.analytics.v1.PropertyOperator;
import dev.flywheel.testsupport.TestGrpc;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.ManagedChannel;

/** A channel to the service under test, stubs presenting a key, and short builders for query parts. */
final class AnalyticsGrpc implements AutoCloseable {

    private final ManagedChannel channel;

    AnalyticsGrpc() {
        channel = TestGrpc.channel();
    }

    ManagedChannel channel() {
        return channel;
    }

    AnalyticsQueryServiceGrpc.AnalyticsQueryServiceBlockingStub queries(TestKeys key) {
        return key.on(AnalyticsQueryServiceGrpc.newBlockingStub(channel));
    }

    AnalyticsQueryServiceGrpc.AnalyticsQueryServiceBlockingStub anonymous() {
        return AnalyticsQueryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    AnalyticsAdminServiceGrpc.AnalyticsAdminServiceBlockingStub admin(TestKeys key) {
        return key.on(AnalyticsAdminServiceGrpc.newBlockingStub(channel));
    }

    static DateRange range(String from, String to) {
        return DateRange.newBuilder().setFrom(from).setTo(to).build();
    }

    static EventMatcher event(String name) {
        return EventMatcher.newBuilder().setEvent(name).build();
    }

    static PropertyFilter filter(String property, PropertyOperator operator, String... values) {
        return PropertyFilter.newBuilder().setProperty(property).setOperator(operator)
                .addAllValues(java.util.List.of(values)).build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
