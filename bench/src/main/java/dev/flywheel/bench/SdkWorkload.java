package dev.flywheel.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.proto.experiments.v1.ExperimentRecord;
import dev.flywheel.proto.experiments.v1.ExperimentSnapshot;
import dev.flywheel.proto.experiments.v1.ExperimentStatus;
import dev.flywheel.sdk.FlywheelClient;
import dev.flywheel.sdk.FlywheelOptions;

/**
 * What the Java SDK benchmarks run on: a flagd document of n flags (a mix of static flags, targeting rules, shared
 * evaluators, fractional splits and non-boolean variants), experiments (the assignment workload's 20, or n generated
 * ones) and a client started from a snapshot file with Flywheel unreachable, so nothing but evaluation is measured.
 */
final class SdkWorkload {

    static final ObjectMapper JSON = new ObjectMapper();

    private SdkWorkload() {
    }

    /** Flag i's type: "boolean", "string", "integer" or "object". */
    static String type(int i) {
        return switch (i % 10) {
            case 6, 7 -> "string";
            case 8 -> "integer";
            case 9 -> "object";
            default -> "boolean";
        };
    }

    static String flags(int count) throws Exception {
        Map<String, Object> flags = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> flag = new LinkedHashMap<>();
            flag.put("state", "ENABLED");
            switch (type(i)) {
                case "string" -> {
                    flag.put("variants", Map.of("formal", "Good day", "casual", "Hi"));
                    flag.put("defaultVariant", "casual");
                    flag.put("targeting", Map.of("if", java.util.Arrays.asList(Map.of("$ref", "is_staff"), "formal",
                            null)));
                }
                case "integer" -> {
                    flag.put("variants", Map.of("small", 10, "large", 50));
                    flag.put("defaultVariant", "small");
                    flag.put("targeting", Map.of("if", List.of(Map.of(">=", List.of(Map.of("var", "age"), 30)),
                            "large", "small")));
                }
                case "object" -> {
                    flag.put("variants", Map.of("dark", Map.of("bg", "#000", "fg", "#fff"), "light",
                            Map.of("bg", "#fff", "fg", "#000")));
                    flag.put("defaultVariant", "dark");
                }
                default -> {
                    flag.put("variants", Map.of("on", true, "off", false));
                    flag.put("defaultVariant", i % 2 == 0 ? "on" : "off");
                    if (i % 10 == 1 || i % 10 == 3) {
                        flag.put("targeting", Map.of("if", List.of(Map.of("and", List.of(
                                Map.of("ends_with", List.of(Map.of("var", "email"), "@example.com")),
                                Map.of("in", List.of(Map.of("var", "plan"), List.of("pro", "enterprise"))))),
                                "on", "off")));
                    } else if (i % 10 == 5) {
                        flag.put("targeting", Map.of("fractional", List.of(List.of("on", 25), List.of("off", 75))));
                    }
                }
            }
            flags.put("flag-" + i, flag);
        }
        return JSON.writeValueAsString(Map.of("flags", flags, "$evaluators", Map.of("is_staff",
                Map.of("ends_with", List.of(Map.of("var", "email"), "@flywheel.dev")))));
    }

    /** The 20 experiments of the assignment workload, with its users. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> assignmentWorkload() throws Exception {
        try (InputStream in = SdkWorkload.class.getResourceAsStream("/assignment-workload.json")) {
            return JSON.readValue(in, Map.class);
        }
    }

    @SuppressWarnings("unchecked")
    static ExperimentSnapshot workloadExperiments() throws Exception {
        ExperimentSnapshot.Builder snapshot = ExperimentSnapshot.newBuilder().setProjectId("bench")
                .setEnvironment("production").setVersion(1);
        for (Map<String, Object> e : (List<Map<String, Object>>) assignmentWorkload().get("experiments")) {
            snapshot.addExperiments(ExperimentRecord.newBuilder().setKey((String) e.get("key"))
                    .setDefinitionJson(JSON.writeValueAsString(e.get("flywheel")))
                    .setStatus(ExperimentStatus.EXPERIMENT_STATUS_RUNNING));
        }
        return snapshot.build();
    }

    /** {@code count} running experiments of two to four arms, some targeted, some in a namespace. */
    static ExperimentSnapshot generatedExperiments(int count) throws Exception {
        Random random = new Random(count);
        ExperimentSnapshot.Builder snapshot = ExperimentSnapshot.newBuilder().setProjectId("bench")
                .setEnvironment("production").setVersion(1);
        for (int i = 0; i < count; i++) {
            int arms = 2 + random.nextInt(3);
            List<Map<String, Object>> variations = new ArrayList<>();
            for (int a = 0; a < arms; a++) {
                variations.add(Map.of("key", "v" + a, "value", "value-" + a, "weight", 1.0 / arms));
            }
            Map<String, Object> definition = new HashMap<>(Map.of("variations", variations, "coverage", 0.9));
            if (i % 3 == 0) {
                definition.put("condition", Map.of("in", List.of(Map.of("var", "country"), List.of("NL", "BE"))));
            }
            if (i % 5 == 0) {
                definition.put("namespace", Map.of("id", "ns-" + i / 10, "start", 0, "end", 0.5));
            }
            snapshot.addExperiments(ExperimentRecord.newBuilder().setKey("experiment-" + i)
                    .setDefinitionJson(JSON.writeValueAsString(definition))
                    .setStatus(ExperimentStatus.EXPERIMENT_STATUS_RUNNING));
        }
        return snapshot.build();
    }

    /** A snapshot file in the SDK's format (see SnapshotFile), holding both parts. */
    static Path snapshotFile(String flags, ExperimentSnapshot experiments) throws Exception {
        Path file = Files.createTempFile("flywheel-sdk-bench", ".json");
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", 1);
        root.put("flags", flags);
        root.put("experiments", Base64.getEncoder().encodeToString(experiments.toByteArray()));
        JSON.writeValue(file.toFile(), root);
        return file;
    }

    /** A client serving the file, with Flywheel unreachable (nothing listens on port 1). */
    static FlywheelClient offlineClient(Path file) {
        FlywheelClient client = FlywheelClient.start(FlywheelOptions.builder("fw_server_bench")
                .flagsTarget("127.0.0.1:1").experimentsTarget("127.0.0.1:1").eventsTarget("127.0.0.1:1")
                .snapshotFile(file).build());
        if (!client.ready()) {
            throw new IllegalStateException("the snapshot file did not load");
        }
        return client;
    }
}
