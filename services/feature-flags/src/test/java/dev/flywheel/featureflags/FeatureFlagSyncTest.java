package dev.flywheel.featureflags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.flywheel.proto.flags.v1.AuditEntry;
import dev.flywheel.proto.flags.v1.FlagRecord;
import dev.flywheel.proto.flags.v1.ListAuditRequest;
import dev.flywheel.proto.flags.v1.ListFlagsRequest;
import dev.flywheel.testsupport.TestKeys;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** FeatureFlag resources in a (mock, CRUD) Kubernetes API server are synced into their environment. */
@QuarkusTest
class FeatureFlagSyncTest {

    static final ResourceDefinitionContext FEATURE_FLAGS = new ResourceDefinitionContext.Builder()
            .withGroup("flywheel.dev").withVersion("v1alpha1").withKind("FeatureFlag").withPlural("featureflags")
            .withNamespaced(true).build();
    static final String ON = "{\"state\":\"ENABLED\",\"variants\":{\"on\":true,\"off\":false},\"defaultVariant\":\"on\"}";

    @Inject
    KubernetesClient kubernetes;

    @TestHTTPResource
    URL url;

    FlagsGrpc grpc;

    @BeforeEach
    void connect() throws Exception {
        grpc = new FlagsGrpc(url);
        String crd;
        try (InputStream in = getClass().getResourceAsStream("/featureflags.flywheel.dev.yaml")) {
            crd = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        kubernetes.apiextensions().v1().customResourceDefinitions()
                .resource(kubernetes.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class))
                .createOr(existing -> existing.update());
    }

    @AfterEach
    void disconnect() {
        grpc.close();
    }

    @Test
    void resourcesAreSyncedUpdatedAndRemoved() {
        Map<String, Object> flagSpec = Map.of("flags", Map.of("k8s-a", parse(ON), "k8s-b", parse(ON)));
        kubernetes.genericKubernetesResources(FEATURE_FLAGS).inNamespace("shop")
                .resource(resource("checkout", "k8s-sync", flagSpec)).create();
        await(() -> keys("k8s-sync").equals(List.of("k8s-a", "k8s-b"))
                || keys("k8s-sync").equals(List.of("k8s-b", "k8s-a")));
        List<AuditEntry> audit = grpc.admin(TestKeys.ADMIN_A).listAudit(ListAuditRequest.newBuilder()
                .setEnvironment("k8s-sync").build()).getEntriesList();
        assertTrue(audit.stream().allMatch(a -> a.getActor().equals("kubernetes:shop/checkout")), audit::toString);
        await(() -> "True".equals(condition("shop", "checkout").get("status")));

        // dropping a flag from the resource removes it from the environment
        GenericKubernetesResource current = kubernetes.genericKubernetesResources(FEATURE_FLAGS).inNamespace("shop")
                .withName("checkout").get();
        current.setAdditionalProperty("spec", Map.of("projectId", "project-a", "environment", "k8s-sync", "flagSpec",
                Map.of("flags", Map.of("k8s-a", parse(ON)))));
        kubernetes.genericKubernetesResources(FEATURE_FLAGS).inNamespace("shop").resource(current).update();
        await(() -> keys("k8s-sync").equals(List.of("k8s-a")));

        kubernetes.genericKubernetesResources(FEATURE_FLAGS).inNamespace("shop").withName("checkout").delete();
        await(() -> keys("k8s-sync").isEmpty());
    }

    @Test
    void anInvalidResourceIsRejectedWithItsProblemsInTheStatus() {
        Map<String, Object> bad = Map.of("flags", Map.of("broken", Map.of("state", "ENABLED", "variants",
                Map.of("on", true), "defaultVariant", "missing")));
        kubernetes.genericKubernetesResources(FEATURE_FLAGS).inNamespace("shop")
                .resource(resource("broken", "k8s-rejected", bad)).create();
        await(() -> "False".equals(condition("shop", "broken").get("status")));
        Map<?, ?> condition = condition("shop", "broken");
        assertEquals("Rejected", condition.get("reason"));
        assertTrue(String.valueOf(condition.get("message")).contains("/flags/broken/defaultVariant"),
                condition::toString);
        assertTrue(keys("k8s-rejected").isEmpty());
    }

    private static GenericKubernetesResource resource(String name, String environment, Map<String, Object> flagSpec) {
        return new GenericKubernetesResourceBuilder().withApiVersion("flywheel.dev/v1alpha1").withKind("FeatureFlag")
                .withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                .addToAdditionalProperties("spec", Map.of("projectId", "project-a", "environment", environment,
                        "flagSpec", flagSpec))
                .build();
    }

    private List<String> keys(String environment) {
        return grpc.admin(TestKeys.ADMIN_A).listFlags(ListFlagsRequest.newBuilder().setEnvironment(environment).build())
                .getFlagsList().stream().map(FlagRecord::getKey).toList();
    }

    private Map<?, ?> condition(String namespace, String name) {
        GenericKubernetesResource resource = kubernetes.genericKubernetesResources(FEATURE_FLAGS)
                .inNamespace(namespace).withName(name).get();
        if (resource == null || !(resource.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                || !(status.get("conditions") instanceof List<?> conditions) || conditions.isEmpty()) {
            return Map.of();
        }
        return (Map<?, ?>) conditions.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 10 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
