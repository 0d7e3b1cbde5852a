package dev.flywheel.featureflags.kubernetes;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.flywheel.featureflags.config.FlagsConfig;
import dev.flywheel.featureflags.service.FlagManagementService;
import dev.flywheel.featureflags.service.FlagSnapshots;
import dev.flywheel.flags.FlagDocument;
import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Syncs {@code FeatureFlag} custom resources (flywheel.dev/v1alpha1, CRD in k8s/crds) into their environment: each
 * resource's flags are merged in, flags it no longer lists (or all of its flags, when it is deleted) are removed, and
 * the audit log names the resource as the author. The outcome is written to the resource's status (condition Synced).
 */
@ApplicationScoped
public class FeatureFlagSync {

    static final ResourceDefinitionContext FEATURE_FLAGS = new ResourceDefinitionContext.Builder()
            .withGroup("flywheel.dev").withVersion("v1alpha1").withKind("FeatureFlag").withPlural("featureflags")
            .withNamespaced(true).build();
    private static final Logger LOG = Logger.getLogger(FeatureFlagSync.class);

    private final KubernetesClient client;
    private final FlagManagementService flags;
    private final FlagSnapshots snapshots;
    private final FlagsConfig config;
    private SharedIndexInformer<GenericKubernetesResource> informer;

    public FeatureFlagSync(KubernetesClient client, FlagManagementService flags, FlagSnapshots snapshots,
            FlagsConfig config) {
        this.client = client;
        this.flags = flags;
        this.snapshots = snapshots;
        this.config = config;
    }

    void start(@Observes StartupEvent ignored) {
        if (!config.kubernetes().enabled()) {
            return;
        }
        var resources = client.genericKubernetesResources(FEATURE_FLAGS);
        var scope = config.kubernetes().namespace().isPresent()
                ? resources.inNamespace(config.kubernetes().namespace().get())
                : resources.inAnyNamespace();
        informer = scope.inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource resource) {
                apply(null, resource);
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                if (!specOf(before).equals(specOf(after))) {
                    apply(before, after);
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource resource, boolean finalStateUnknown) {
                remove(resource);
            }
        }, 300_000L);
        LOG.infof("Syncing FeatureFlag resources from %s", config.kubernetes().namespace().orElse("every namespace"));
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (informer != null) {
            informer.close();
        }
    }

    private void apply(GenericKubernetesResource before, GenericKubernetesResource resource) {
        String actor = actor(resource);
        Target target = target(resource);
        try {
            if (target == null) {
                throw RefusedRequest.invalid(
                        "spec.projectId, spec.environment and spec.flagSpec are required");
            }
            var result = VertxContextSupport.subscribeAndAwait(() -> flags.importDocument(target.projectId(),
                    target.environment(), FlagDocument.write(target.flagSpec()), false, actor,
                    "generation " + resource.getMetadata().getGeneration())
                    .call(ignored -> snapshots.refresh(target.projectId(), target.environment())));
            Target previous = before == null ? null : target(before);
            if (previous != null) {
                Set<String> dropped = new HashSet<>(previous.keys());
                dropped.removeAll(target.keys());
                deleteAll(previous, dropped, actor);
            }
            status(resource, true, "Synced", "flags " + String.join(", ", target.keys()) + " at environment version "
                    + result.environmentVersion() + (result.warnings().isEmpty()
                            ? ""
                            : "; warnings: " + String.join("; ", result.warnings())));
        } catch (RefusedRequest e) {
            String problems = e.problems().isEmpty()
                    ? e.getMessage()
                    : e.getMessage() + ": " + String.join("; ", e.problems());
            LOG.warnf("FeatureFlag %s was not synced: %s", actor, problems);
            status(resource, false, "Rejected", problems);
        } catch (Throwable e) {
            LOG.warnf(e, "FeatureFlag %s could not be synced", actor);
            status(resource, false, "Failed", String.valueOf(e.getMessage()));
        }
    }

    private void remove(GenericKubernetesResource resource) {
        Target target = target(resource);
        if (target != null) {
            try {
                deleteAll(target, target.keys(), actor(resource));
            } catch (Throwable e) {
                LOG.warnf(e, "Flags of the deleted FeatureFlag %s could not all be removed", actor(resource));
            }
        }
    }

    private void deleteAll(Target target, Set<String> keys, String actor) throws Throwable {
        for (String key : keys) {
            try {
                VertxContextSupport.subscribeAndAwait(() -> flags.delete(target.projectId(), target.environment(),
                        key, 0, actor, "removed from the resource")
                        .call(ignored -> snapshots.refresh(target.projectId(), target.environment())));
            } catch (RefusedRequest e) {
                if (e.refusal() != Refusal.NOT_FOUND) {
                    throw e;
                }
            }
        }
    }

    private void status(GenericKubernetesResource resource, boolean synced, String reason, String message) {
        try {
            Map<String, Object> condition = new LinkedHashMap<>();
            condition.put("type", "Synced");
            condition.put("status", synced ? "True" : "False");
            condition.put("reason", reason);
            condition.put("message", message.length() > 1000 ? message.substring(0, 1000) : message);
            condition.put("lastTransitionTime", Instant.now().toString());
            condition.put("observedGeneration", resource.getMetadata().getGeneration());
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("conditions", List.of(condition));
            GenericKubernetesResource current = client.genericKubernetesResources(FEATURE_FLAGS)
                    .inNamespace(resource.getMetadata().getNamespace()).withName(resource.getMetadata().getName())
                    .get();
            if (current != null) {
                current.setAdditionalProperty("status", status);
                client.genericKubernetesResources(FEATURE_FLAGS).inNamespace(resource.getMetadata().getNamespace())
                        .resource(current).updateStatus();
            }
        } catch (RuntimeException e) {
            LOG.debugf("Could not write the status of %s: %s", actor(resource), e.toString());
        }
    }

    private record Target(String projectId, String environment, Map<String, Object> flagSpec, Set<String> keys) {
    }

    @SuppressWarnings("unchecked")
    private static Target target(GenericKubernetesResource resource) {
        Map<String, Object> spec = specOf(resource);
        if (!(spec.get("projectId") instanceof String projectId) || !(spec.get("environment") instanceof String env)
                || !(spec.get("flagSpec") instanceof Map<?, ?> flagSpec)) {
            return null;
        }
        Set<String> keys = new HashSet<>();
        if (flagSpec.get("flags") instanceof Map<?, ?> byKey) {
            byKey.keySet().forEach(k -> keys.add(String.valueOf(k)));
        }
        return new Target(projectId, env, (Map<String, Object>) flagSpec, keys);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> specOf(GenericKubernetesResource resource) {
        Object spec = resource.getAdditionalProperties().get("spec");
        return spec instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static String actor(GenericKubernetesResource resource) {
        return "kubernetes:" + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }

}
