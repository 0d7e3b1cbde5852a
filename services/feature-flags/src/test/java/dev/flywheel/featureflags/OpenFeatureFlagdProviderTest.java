package dev.flywheel.featureflags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flywheel.proto.flags.v1.ImportFlagsRequest;
import dev.flywheel.testsupport.TestKeys;
import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.Value;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The OpenFeature Java SDK with the unmodified flagd provider (0.11.15, RPC resolver, evaluation v1), pointed at
 * the service; the only Flywheel-specific part is the server key, sent through the provider's own interceptor option.
 */
@QuarkusTest
class OpenFeatureFlagdProviderTest {

    static final String DOMAIN = "flywheel-flagd-v1";

    @TestHTTPResource
    URL url;

    FlagsGrpc grpc;
    FlagdProvider provider;
    Client client;
    final List<EventDetails> changes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() {
        grpc = new FlagsGrpc(url);
        grpc.admin(TestKeys.ADMIN_A).importFlags(ImportFlagsRequest.newBuilder().setEnvironment("staging")
                .setDocumentJson(FlagsGrpc.resource("/flags/checkout-flags.json")).build());
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + TestKeys.SERVER_A_STAGING.key);
        ClientInterceptor key = MetadataUtils.newAttachHeadersInterceptor(headers);
        provider = new FlagdProvider(FlagdOptions.builder().resolverType(Config.Resolver.RPC).host(url.getHost())
                .port(FlagsGrpc.port()).tls(false).deadline(5_000).clientInterceptors(List.of(key)).build());
        OpenFeatureAPI api = OpenFeatureAPI.getInstance();
        api.setProviderAndWait(DOMAIN, provider);
        client = api.getClient(DOMAIN);
        client.on(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, changes::add);
    }

    @AfterEach
    void disconnect() {
        provider.shutdown();
        grpc.close();
    }

    @Test
    void resolvesEveryTypeWithReasonsAndVariants() {
        FlagEvaluationDetails<Boolean> checkout = client.getBooleanDetails("new-checkout", false);
        assertEquals(true, checkout.getValue());
        assertEquals("on", checkout.getVariant());
        assertEquals("STATIC", checkout.getReason());

        MutableContext staff = new MutableContext("user-1").add("email", "ada@flywheel.dev").add("plan", "pro");
        assertEquals("Good day", client.getStringValue("greeting", "fallback", staff));
        assertEquals("TARGETING_MATCH", client.getStringDetails("greeting", "fallback", staff).getReason());
        assertEquals(50, client.getIntegerValue("page-size", 1, staff));
        assertEquals(0.15, client.getDoubleValue("discount", 0.0));
        Value theme = client.getObjectValue("theme", new Value());
        assertEquals("#000", theme.asStructure().getValue("bg").asString());

        MutableContext queen = new MutableContext().add("user",
                new dev.openfeature.sdk.MutableStructure(Map.of("name", new Value("queen"))));
        assertEquals("spades", client.getStringValue("fractional-flag", "fallback", queen));
    }

    @Test
    void errorsReachTheClientAsOpenFeatureErrorCodes() {
        assertError(client.getBooleanDetails("no-such-flag", false), ErrorCode.FLAG_NOT_FOUND, false);
        assertError(client.getBooleanDetails("greeting", false), ErrorCode.TYPE_MISMATCH, false);
        assertError(client.getIntegerDetails("bad-operator", 7), ErrorCode.PARSE_ERROR, 7);
        assertError(client.getIntegerDetails("unknown-variant", 7), ErrorCode.GENERAL, 7);
        FlagEvaluationDetails<Boolean> disabled = client.getBooleanDetails("switched-off", true);
        assertEquals("DISABLED", disabled.getReason());
    }

    @Test
    void aChangedFlagReachesTheClientWithinASecond() throws Exception {
        // STATIC answers are cached by the provider until a configuration_change names the flag
        assertEquals(true, client.getBooleanValue("new-checkout", false));
        assertEquals(true, client.getBooleanValue("new-checkout", false));
        grpc.assertNewCheckoutOffWithinASecond(client);
        // the provider empties its cache before its event thread tells handlers: give the event a moment
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (changes.stream().noneMatch(c -> c.getFlagsChanged().contains("new-checkout"))
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(changes.stream().anyMatch(c -> c.getFlagsChanged().contains("new-checkout")), changes::toString);
    }

    private static <T> void assertError(FlagEvaluationDetails<T> details, ErrorCode code, T fallback) {
        assertEquals(code, details.getErrorCode(), details::toString);
        assertEquals(fallback, details.getValue());
        assertEquals("ERROR", details.getReason());
    }
}
