package dev.flywheel.featureflags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.proto.flagd.evaluation.v1.AnyFlag;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveAllRequest;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveAllResponse;
import dev.flywheel.proto.flagd.evaluation.v2.EventStreamRequest;
import dev.flywheel.proto.flagd.evaluation.v2.EventStreamResponse;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveBooleanRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveBooleanResponse;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveFloatRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveIntRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveIntResponse;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveObjectRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveStringRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveStringResponse;
import dev.flywheel.proto.flags.v1.ImportFlagsRequest;
import dev.flywheel.proto.flags.v1.PutFlagRequest;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Both flagd protocol versions on the service's one port, with flagd 0.16's outcomes. */
@QuarkusTest
class FlagdEvaluationTest {

    @TestHTTPResource
    URL url;

    FlagsGrpc grpc;

    @BeforeEach
    void connectAndLoadFlags() {
        grpc = new FlagsGrpc(url);
        grpc.admin(TestKeys.ADMIN_A).importFlags(ImportFlagsRequest.newBuilder().setEnvironment("production")
                .setDocumentJson(FlagsGrpc.resource("/flags/checkout-flags.json")).build());
    }

    @AfterEach
    void disconnect() {
        grpc.close();
    }

    V2Stub v2(TestKeys key) {
        return new V2Stub(FlagsGrpc.withHeader(
                dev.flywheel.proto.flagd.evaluation.v2.ServiceGrpc.newBlockingStub(grpc.channel), "authorization",
                "Bearer " + key.key));
    }

    record V2Stub(dev.flywheel.proto.flagd.evaluation.v2.ServiceGrpc.ServiceBlockingStub stub) {
    }

    dev.flywheel.proto.flagd.evaluation.v1.ServiceGrpc.ServiceBlockingStub v1(TestKeys key) {
        return FlagsGrpc.withHeader(dev.flywheel.proto.flagd.evaluation.v1.ServiceGrpc.newBlockingStub(grpc.channel),
                "authorization", "Bearer " + key.key);
    }

    static Struct context(String... pairs) {
        Struct.Builder context = Struct.newBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            context.putFields(pairs[i], Value.newBuilder().setStringValue(pairs[i + 1]).build());
        }
        return context.build();
    }

    @Test
    void v2ResolvesEveryTypeWithFlagdReasons() {
        var stub = v2(TestKeys.SERVER_A).stub();
        ResolveBooleanResponse bool = stub.resolveBoolean(ResolveBooleanRequest.newBuilder()
                .setFlagKey("new-checkout").build());
        assertTrue(bool.getValue());
        assertEquals("on", bool.getVariant());
        assertEquals("STATIC", bool.getReason());
        assertEquals("checkout", bool.getMetadata().getFieldsOrThrow("flagSetId").getStringValue());

        ResolveStringResponse staff = stub.resolveString(ResolveStringRequest.newBuilder().setFlagKey("greeting")
                .setContext(context("email", "ada@flywheel.dev")).build());
        assertEquals("Good day", staff.getValue());
        assertEquals("TARGETING_MATCH", staff.getReason());
        ResolveStringResponse other = stub.resolveString(ResolveStringRequest.newBuilder().setFlagKey("greeting")
                .setContext(context("email", "someone@example.com")).build());
        assertEquals("hi", other.getValue());
        assertEquals("DEFAULT", other.getReason());

        // a float variant is truncated by ResolveInt
        ResolveIntResponse pro = stub.resolveInt(ResolveIntRequest.newBuilder().setFlagKey("page-size")
                .setContext(context("plan", "pro")).build());
        assertEquals(50, pro.getValue());
        assertEquals("large", pro.getVariant());
        assertEquals(0.15, stub.resolveFloat(ResolveFloatRequest.newBuilder().setFlagKey("discount").build())
                .getValue());
        assertEquals("#000", stub.resolveObject(ResolveObjectRequest.newBuilder().setFlagKey("theme").build())
                .getValue().getFieldsOrThrow("bg").getStringValue());

        ResolveStringResponse suit = stub.resolveString(ResolveStringRequest.newBuilder()
                .setFlagKey("fractional-flag").setContext(Struct.newBuilder().putFields("user",
                        Value.newBuilder().setStructValue(context("name", "queen")).build()))
                .build());
        assertEquals("spades", suit.getValue());
        assertEquals("TARGETING_MATCH", suit.getReason());
        assertEquals("growth", suit.getMetadata().getFieldsOrThrow("owner").getStringValue());
    }

    @Test
    void v2LeavesValueUnsetWhenTheCodeDefaultApplies() {
        var stub = v2(TestKeys.SERVER_A).stub();
        ResolveBooleanResponse disabled = stub.resolveBoolean(ResolveBooleanRequest.newBuilder()
                .setFlagKey("switched-off").build());
        assertEquals("DISABLED", disabled.getReason());
        assertFalse(disabled.hasValue());
        assertFalse(disabled.hasVariant());

        ResolveStringResponse noDefault = stub.resolveString(ResolveStringRequest.newBuilder()
                .setFlagKey("no-default").setContext(context("email", "wozniak@orange.com")).build());
        assertEquals("DEFAULT", noDefault.getReason());
        assertFalse(noDefault.hasValue());
        assertEquals("CEO", stub.resolveString(ResolveStringRequest.newBuilder().setFlagKey("no-default")
                .setContext(context("email", "jobs@orange.com")).build()).getValue());
    }

    @Test
    void v1AnswersDisabledWithZeroValuesAndNoDefaultAsNotFound() {
        var stub = v1(TestKeys.SERVER_A);
        var disabled = stub.resolveBoolean(dev.flywheel.proto.flagd.evaluation.v1.ResolveBooleanRequest.newBuilder()
                .setFlagKey("switched-off").build());
        assertEquals("DISABLED", disabled.getReason());
        assertFalse(disabled.getValue());
        assertEquals("", disabled.getVariant());
        StatusRuntimeException noDefault = assertThrows(StatusRuntimeException.class, () -> stub.resolveString(
                dev.flywheel.proto.flagd.evaluation.v1.ResolveStringRequest.newBuilder().setFlagKey("no-default")
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, noDefault.getStatus().getCode());
    }

    @Test
    void errorsBecomeTheStatusesFlagdProvidersExpect() {
        var v2 = v2(TestKeys.SERVER_A).stub();
        var v1 = v1(TestKeys.SERVER_A);
        assertStatus(Status.Code.NOT_FOUND, "Flag not found",
                () -> v2.resolveBoolean(ResolveBooleanRequest.newBuilder().setFlagKey("nope").build()));
        assertStatus(Status.Code.NOT_FOUND, "Flag not found", () -> v1.resolveBoolean(
                dev.flywheel.proto.flagd.evaluation.v1.ResolveBooleanRequest.newBuilder().setFlagKey("nope").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Type mismatch error",
                () -> v2.resolveBoolean(ResolveBooleanRequest.newBuilder().setFlagKey("greeting").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Type mismatch error", () -> v1.resolveString(
                dev.flywheel.proto.flagd.evaluation.v1.ResolveStringRequest.newBuilder().setFlagKey("theme").build()));
        assertStatus(Status.Code.DATA_LOSS, "unknown operator",
                () -> v2.resolveInt(ResolveIntRequest.newBuilder().setFlagKey("bad-operator").build()));
        assertStatus(Status.Code.UNKNOWN, "three",
                () -> v2.resolveInt(ResolveIntRequest.newBuilder().setFlagKey("unknown-variant").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "targetingKey", () -> v2.resolveBoolean(ResolveBooleanRequest
                .newBuilder().setFlagKey("new-checkout").setContext(Struct.newBuilder().putFields("targetingKey",
                        Value.newBuilder().setNumberValue(42).build()))
                .build()));
    }

    @Test
    void resolveAllAnswersEveryFlagWithAValue() {
        ResolveAllResponse all = v1(TestKeys.SERVER_A).resolveAll(ResolveAllRequest.newBuilder()
                .setContext(context("email", "ada@flywheel.dev")).build());
        assertEquals("checkout", all.getMetadata().getFieldsOrThrow("flagSetId").getStringValue());
        assertTrue(all.getFlagsOrThrow("new-checkout").getBoolValue());
        assertEquals("Good day", all.getFlagsOrThrow("greeting").getStringValue());
        assertEquals(10.0, all.getFlagsOrThrow("page-size").getDoubleValue());
        assertEquals("#fff", all.getFlagsOrThrow("theme").getObjectValue().getFieldsOrThrow("fg").getStringValue());
        AnyFlag broken = all.getFlagsOrThrow("bad-operator");
        assertEquals("ERROR", broken.getReason());
        assertEquals(AnyFlag.ValueCase.VALUE_NOT_SET, broken.getValueCase());
        assertFalse(all.containsFlags("no-default"));
        assertFalse(all.containsFlags("switched-off"));
    }

    @Test
    void theKeySelectsTheTenantAndOnlyServerKeysEvaluate() {
        // the selector carries the key for providers that cannot set other metadata
        var selected = FlagsGrpc.withHeader(
                dev.flywheel.proto.flagd.evaluation.v2.ServiceGrpc.newBlockingStub(grpc.channel), "flagd-selector",
                "flagSetId=" + TestKeys.SERVER_A.key);
        assertTrue(selected.resolveBoolean(ResolveBooleanRequest.newBuilder().setFlagKey("new-checkout").build())
                .getValue());
        var badSelector = FlagsGrpc.withHeader(
                dev.flywheel.proto.flagd.evaluation.v2.ServiceGrpc.newBlockingStub(grpc.channel), "flagd-selector",
                "source=flags.json");
        assertStatus(Status.Code.INVALID_ARGUMENT, "flagd-selector",
                () -> badSelector
                        .resolveBoolean(ResolveBooleanRequest.newBuilder().setFlagKey("new-checkout").build()));
        var anonymous = dev.flywheel.proto.flagd.evaluation.v2.ServiceGrpc.newBlockingStub(grpc.channel);
        assertStatus(Status.Code.UNAUTHENTICATED, "API key",
                () -> anonymous.resolveBoolean(ResolveBooleanRequest.newBuilder().setFlagKey("new-checkout").build()));
        assertStatus(Status.Code.PERMISSION_DENIED, "client",
                () -> v2(TestKeys.CLIENT_A).stub().resolveBoolean(ResolveBooleanRequest.newBuilder()
                        .setFlagKey("new-checkout").build()));
        // another project's key sees none of project A's flags
        assertStatus(Status.Code.NOT_FOUND, "Flag not found",
                () -> v2(TestKeys.SERVER_B).stub().resolveBoolean(ResolveBooleanRequest.newBuilder()
                        .setFlagKey("new-checkout").build()));
    }

    @Test
    void eventStreamSaysReadyAtOnceThenNamesChangedFlagsWithinASecond() {
        var streaming = FlagsGrpc.withHeader(
                dev.flywheel.proto.flagd.evaluation.v2.ServiceGrpc.newBlockingStub(grpc.channel), "authorization",
                "Bearer " + TestKeys.SERVER_A_STAGING.key).withDeadlineAfter(30, TimeUnit.SECONDS);
        String flag = "{\"state\":\"ENABLED\",\"variants\":{\"on\":true,\"off\":false},\"defaultVariant\":\"%s\"}";
        grpc.admin(TestKeys.ADMIN_A).putFlag(PutFlagRequest.newBuilder().setEnvironment("staging").setKey("streamed")
                .setDefinitionJson(flag.formatted("off")).build());
        Iterator<EventStreamResponse> events = streaming.eventStream(EventStreamRequest.getDefaultInstance());
        assertEquals("provider_ready", events.next().getType());

        long started = System.nanoTime();
        grpc.admin(TestKeys.ADMIN_A).putFlag(PutFlagRequest.newBuilder().setEnvironment("staging").setKey("streamed")
                .setDefinitionJson(flag.formatted("on")).build());
        EventStreamResponse change = events.next();
        while (change.getType().equals("keep_alive")) {
            change = events.next();
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        assertEquals("configuration_change", change.getType());
        assertEquals("update", change.getData().getFieldsOrThrow("flags").getStructValue().getFieldsOrThrow("streamed")
                .getStructValue().getFieldsOrThrow("type").getStringValue());
        assertTrue(latency.toMillis() < 1000, "change reached the stream after " + latency.toMillis() + " ms");
        assertTrue(v2(TestKeys.SERVER_A_STAGING).stub().resolveBoolean(ResolveBooleanRequest.newBuilder()
                .setFlagKey("streamed").build()).getValue());
    }

    @Test
    void aStreamWithoutCredentialsHearsTheEnvironmentsItsConnectionProved() {
        // the Node.js provider opens EventStream without its selector, then resolves with it on the same connection
        var anonymous = dev.flywheel.proto.flagd.evaluation.v2.ServiceGrpc.newBlockingStub(grpc.channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        Iterator<EventStreamResponse> events = anonymous.eventStream(EventStreamRequest.getDefaultInstance());
        assertEquals("provider_ready", events.next().getType());
        var selected = FlagsGrpc.withHeader(
                dev.flywheel.proto.flagd.evaluation.v2.ServiceGrpc.newBlockingStub(grpc.channel), "flagd-selector",
                "flagSetId=" + TestKeys.SERVER_A_STAGING.key);
        String flag = "{\"state\":\"ENABLED\",\"variants\":{\"a\":\"a\",\"b\":\"b\"},\"defaultVariant\":\"%s\"}";
        grpc.admin(TestKeys.ADMIN_A).putFlag(PutFlagRequest.newBuilder().setEnvironment("staging").setKey("bound")
                .setDefinitionJson(flag.formatted("a")).build());
        assertEquals("a", selected.resolveString(ResolveStringRequest.newBuilder().setFlagKey("bound").build())
                .getValue());
        grpc.admin(TestKeys.ADMIN_A).putFlag(PutFlagRequest.newBuilder().setEnvironment("staging").setKey("bound")
                .setDefinitionJson(flag.formatted("b")).build());
        EventStreamResponse change = events.next();
        while (change.getType().equals("keep_alive")) {
            change = events.next();
        }
        assertEquals("configuration_change", change.getType());
        assertTrue(change.getData().getFieldsOrThrow("flags").getStructValue().containsFields("bound"));
    }

    private static void assertStatus(Status.Code code, String descriptionPart, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e::toString);
        assertTrue(e.getStatus().getDescription() != null && e.getStatus().getDescription().contains(descriptionPart),
                e::toString);
    }
}
