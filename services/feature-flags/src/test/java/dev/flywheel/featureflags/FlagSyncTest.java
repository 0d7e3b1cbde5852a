package dev.flywheel.featureflags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.proto.flagd.sync.v1.FetchAllFlagsRequest;
import dev.flywheel.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import dev.flywheel.proto.flagd.sync.v1.GetMetadataRequest;
import dev.flywheel.proto.flagd.sync.v1.SyncFlagsRequest;
import dev.flywheel.proto.flagd.sync.v1.SyncFlagsResponse;
import dev.flywheel.proto.flags.v1.ImportFlagsRequest;
import dev.flywheel.service.auth.KeyRevocations;
import dev.flywheel.testsupport.KeyDirectoryResource;
import dev.flywheel.testsupport.TestKeys;
import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * flagd.sync.v1: the unmodified flagd Java provider in in-process mode keeps the environment's document and
 * evaluates it itself, agreeing with the same provider evaluating remotely; and the sync RPCs' bad inputs.
 */
@QuarkusTest
class FlagSyncTest {

    static final String IN_PROCESS = "flywheel-sync-in-process";
    static final String REMOTE = "flywheel-sync-remote";
    static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource
    URL url;

    FlagsGrpc grpc;
    FlagdProvider inProcess;
    FlagdProvider remote;

    @BeforeEach
    void connect() {
        grpc = new FlagsGrpc(url);
        grpc.admin(TestKeys.ADMIN_A).importFlags(ImportFlagsRequest.newBuilder().setEnvironment("staging")
                .setDocumentJson(FlagsGrpc.resource("/flags/checkout-flags.json")).build());
        // the key as the selector: all an in-process provider needs to be told
        inProcess = new FlagdProvider(FlagdOptions.builder().resolverType(Config.Resolver.IN_PROCESS)
                .host(url.getHost()).port(FlagsGrpc.port()).tls(false).deadline(5_000)
                .selector("flagSetId=" + TestKeys.SERVER_A_STAGING.key).build());
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + TestKeys.SERVER_A_STAGING.key);
        ClientInterceptor key = MetadataUtils.newAttachHeadersInterceptor(headers);
        remote = new FlagdProvider(FlagdOptions.builder().resolverType(Config.Resolver.RPC).host(url.getHost())
                .port(FlagsGrpc.port()).tls(false).deadline(5_000).clientInterceptors(List.of(key))
                // the RPC provider answers repeats of STATIC flags from its cache, "CACHED"
                .cacheType("disabled").build());
        OpenFeatureAPI.getInstance().setProviderAndWait(IN_PROCESS, inProcess);
        OpenFeatureAPI.getInstance().setProviderAndWait(REMOTE, remote);
    }

    @AfterEach
    void disconnect() {
        inProcess.shutdown();
        remote.shutdown();
        grpc.close();
    }

    @Test
    void inProcessEvaluationAgreesWithRemoteEvaluation() {
        Client local = OpenFeatureAPI.getInstance().getClient(IN_PROCESS);
        Client rpc = OpenFeatureAPI.getInstance().getClient(REMOTE);
        List<EvaluationContext> contexts = List.of(new MutableContext(),
                new MutableContext("user-1").add("email", "ada@flywheel.dev").add("plan", "pro"),
                new MutableContext("user-2").add("email", "bob@example.com").add("plan", "free"),
                new MutableContext().add("user", new MutableStructure(Map.of("name", new Value("queen")))),
                new MutableContext().add("user", new MutableStructure(Map.of("name", new Value("jack")))));
        int compared = 0;
        for (EvaluationContext context : contexts) {
            compared += same(() -> local.getBooleanDetails("new-checkout", false, context),
                    () -> rpc.getBooleanDetails("new-checkout", false, context));
            compared += same(() -> local.getStringDetails("greeting", "fallback", context),
                    () -> rpc.getStringDetails("greeting", "fallback", context));
            compared += same(() -> local.getIntegerDetails("page-size", 1, context),
                    () -> rpc.getIntegerDetails("page-size", 1, context));
            compared += same(() -> local.getDoubleDetails("discount", 0.0, context),
                    () -> rpc.getDoubleDetails("discount", 0.0, context));
            compared += same(() -> local.getObjectDetails("theme", new Value(), context),
                    () -> rpc.getObjectDetails("theme", new Value(), context));
        }
        // errors once: the RPC provider retries NOT_FOUND and INVALID_ARGUMENT with a second's backoff (its policy)
        compared += same(() -> local.getBooleanDetails("no-such-flag", false),
                () -> rpc.getBooleanDetails("no-such-flag", false));
        compared += same(() -> local.getBooleanDetails("greeting", false),
                () -> rpc.getBooleanDetails("greeting", false));
        assertEquals(27, compared);
        // fractional rules: this provider (0.11.15, the newest on Maven Central) buckets with flagd's formula before
        // 0.15 ("v1" in flagd's testbed); Flywheel, like flagd since 0.15, with "v2". Both answer the testbed's
        // known answers of their version, so the shares are the same but not every user's bucket.
        assertEquals("clubs", local.getStringValue("fractional-flag", "fallback", named("queen")));
        assertEquals("spades", local.getStringValue("fractional-flag", "fallback", named("jack")));
        assertEquals("spades", rpc.getStringValue("fractional-flag", "fallback", named("queen")));
        assertEquals("hearts", rpc.getStringValue("fractional-flag", "fallback", named("jack")));
        // a disabled flag: remote v1 answers flagd's zero value, the in-process provider its caller's default
        // (reporting the flag as not found, "disabled"); both are the provider's own handling of the same answer
        FlagEvaluationDetails<Boolean> disabled = local.getBooleanDetails("switched-off", true);
        assertEquals(true, disabled.getValue());
        assertTrue(disabled.getErrorMessage().contains("disabled"), disabled::toString);
        assertEquals("Good day", local.getStringValue("greeting", "fallback",
                new MutableContext("user-1").add("email", "ada@flywheel.dev")));
    }

    @Test
    void aChangeReachesTheInProcessProviderWithinASecond() throws Exception {
        Client local = OpenFeatureAPI.getInstance().getClient(IN_PROCESS);
        assertEquals(true, local.getBooleanValue("new-checkout", false));
        grpc.assertNewCheckoutOffWithinASecond(local);
    }

    @Test
    void fetchAllFlagsAnswersTheEnvironmentsFlagdDocument() throws Exception {
        var sync = TestKeys.SERVER_A_STAGING.on(FlagSyncServiceGrpc.newBlockingStub(grpc.channel));
        JsonNode document = JSON.readTree(sync.fetchAllFlags(FetchAllFlagsRequest.getDefaultInstance())
                .getFlagConfiguration());
        assertEquals("on", document.at("/flags/new-checkout/defaultVariant").asText(), document::toString);
        assertTrue(document.has("$evaluators"), document::toString);
        // GetMetadata answers anyone, and says nothing about any tenant
        assertEquals(0, FlagSyncServiceGrpc.newBlockingStub(grpc.channel)
                .getMetadata(GetMetadataRequest.getDefaultInstance()).getMetadata().getFieldsCount());
    }

    @Test
    void badCallersAndBadRequestsGetClearStatuses() {
        var anonymous = FlagSyncServiceGrpc.newBlockingStub(grpc.channel).withDeadlineAfter(
                20, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(Status.Code.UNAUTHENTICATED, FlagsGrpc.code(() -> anonymous.fetchAllFlags(
                FetchAllFlagsRequest.getDefaultInstance())));
        assertEquals(Status.Code.UNAUTHENTICATED, FlagsGrpc.code(() -> anonymous.syncFlags(
                SyncFlagsRequest.getDefaultInstance()).next()));
        // client keys are public: a synced document holds every rule
        assertEquals(Status.Code.PERMISSION_DENIED,
                FlagsGrpc.code(() -> anonymous.syncFlags(SyncFlagsRequest.newBuilder()
                        .setSelector("flagSetId=" + TestKeys.CLIENT_A.key).build()).next()));
        assertEquals(Status.Code.INVALID_ARGUMENT,
                FlagsGrpc.code(() -> anonymous.syncFlags(SyncFlagsRequest.newBuilder()
                        .setSelector("source=flags.json,env=prod").build()).next()));
        assertEquals(Status.Code.INVALID_ARGUMENT, FlagsGrpc.code(() -> anonymous.fetchAllFlags(FetchAllFlagsRequest
                .newBuilder().setSelector("x".repeat(5000)).build())));
        assertEquals(Status.Code.UNAUTHENTICATED, FlagsGrpc.code(() -> anonymous.syncFlags(SyncFlagsRequest.newBuilder()
                .setSelector("flagSetId=fw_server_" + "f".repeat(32)).build()).next()));
        assertEquals(Status.Code.INVALID_ARGUMENT,
                FlagsGrpc.code(() -> anonymous.syncFlags(SyncFlagsRequest.newBuilder()
                        .setSelector(TestKeys.SERVER_A_STAGING.key).setProviderId("p".repeat(300)).build()).next()));
    }

    @Test
    void aRevokedKeysStreamEnds() throws Exception {
        String key = TestKeys.serverKeyOf("sync-revocation-" + UUID.randomUUID());
        var sync = FlagSyncServiceGrpc.newBlockingStub(grpc.channel).withDeadlineAfter(30,
                java.util.concurrent.TimeUnit.SECONDS);
        Iterator<SyncFlagsResponse> stream = sync.syncFlags(SyncFlagsRequest.newBuilder().setSelector(key).build());
        assertEquals("{\"flags\":{}}", stream.next().getFlagConfiguration());
        KeyDirectoryResource.revokeAndNotify(key, KeyRevocations.CHANNEL, KeyRevocations.payload(key));
        StatusRuntimeException ended = assertThrows(StatusRuntimeException.class, stream::hasNext);
        assertEquals(Status.Code.UNAUTHENTICATED, ended.getStatus().getCode());
    }

    private static EvaluationContext named(String name) {
        return new MutableContext().add("user", new MutableStructure(Map.of("name", new Value(name))));
    }

    /** Both providers give the same value, variant, reason and error code; counts the comparison. */
    private static <T> int same(Supplier<FlagEvaluationDetails<T>> local, Supplier<FlagEvaluationDetails<T>> rpc) {
        FlagEvaluationDetails<T> a = local.get();
        FlagEvaluationDetails<T> b = rpc.get();
        String what = "in-process " + a + " / remote " + b;
        assertEquals(b.getValue(), a.getValue(), what);
        assertEquals(b.getVariant(), a.getVariant(), what);
        assertEquals(b.getReason(), a.getReason(), what);
        assertEquals(b.getErrorCode(), a.getErrorCode(), what);
        return 1;
    }
}
