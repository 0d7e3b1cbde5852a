package dev.flywheel.assignment.growthbook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.assignment.service.ExperimentSnapshots;
import dev.flywheel.experiments.ExperimentSet;
import dev.flywheel.experiments.GrowthBookFeatures;
import dev.flywheel.proto.experiments.v1.GrowthBookFeaturesResponse;
import dev.flywheel.proto.experiments.v1.UnservableExperiment;
import dev.flywheel.service.catalogue.EnvironmentKey;

/**
 * Each environment's GrowthBook payload, built once per snapshot (SDKs poll it and every open stream is sent it):
 * the JSON text, its ETag and the experiments left out.
 */
@ApplicationScoped
public class GrowthBookPayloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Built(ExperimentSnapshots.Snapshot from, GrowthBookFeaturesResponse payload) {
    }

    private final Map<EnvironmentKey, Built> built = new ConcurrentHashMap<>();

    public GrowthBookFeaturesResponse of(ExperimentSnapshots.Snapshot snapshot) {
        EnvironmentKey key = new EnvironmentKey(snapshot.projectId(), snapshot.environment());
        Built last = built.get(key);
        if (last != null && last.from() == snapshot) {
            return last.payload();
        }
        GrowthBookFeaturesResponse payload = build(snapshot);
        built.put(key, new Built(snapshot, payload));
        return payload;
    }

    private static GrowthBookFeaturesResponse build(ExperimentSnapshots.Snapshot snapshot) {
        GrowthBookFeatures.Payload payload = GrowthBookFeatures.of(new ExperimentSet(snapshot.experiments(),
                snapshot.active(), snapshot.holdout()));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("status", 200);
        document.put("features", payload.features());
        document.put("unservable", payload.unservable());
        String json;
        try {
            json = JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a GrowthBook payload could not be written", e);
        }
        GrowthBookFeaturesResponse.Builder out = GrowthBookFeaturesResponse.newBuilder().setPayloadJson(json)
                .setEtag(etag(json));
        payload.unservable().forEach(u -> out.addUnservable(UnservableExperiment.newBuilder().setKey(u.key())
                .setReason(u.reason())));
        return out.build();
    }

    private static String etag(String json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
