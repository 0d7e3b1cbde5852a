package dev.flywheel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;

/**
 * Seeded, bounded fuzzing of every gRPC method on the port that serves it: random messages built from the real
 * schemas (huge strings, control characters, unknown enum values, deep and wide values), garbage bytes and oversized
 * messages, with every kind of key. Every call must answer promptly with a status that describes the input (never
 * UNKNOWN, INTERNAL, UNAVAILABLE or a deadline), the connection must keep serving, and no service may log a stack
 * trace for it.
 */
@ExtendWith(Platform.class)
class GrpcFuzzE2ETest {

    private static final long SEED = Long.getLong("flywheel.fuzz.seed", 20261202L);
    private static final int MESSAGES_PER_METHOD = Integer.getInteger("flywheel.fuzz.messages", 40);
    private static final long DEADLINE = 10_000;
    /** Statuses that would mean a bug or an outage, not an answer about the input. */
    private static final Set<Status.Code> BROKEN = EnumSet.of(Status.Code.UNKNOWN, Status.Code.INTERNAL,
            Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.DATA_LOSS,
            Status.Code.UNIMPLEMENTED, Status.Code.CANCELLED);

    private static List<String> keys;

    @BeforeAll
    static void keys() {
        String project = Tenants.project("grpc-fuzz");
        keys = List.of(Tenants.key(project, "admin", null), Tenants.key(project, "server", "production"),
                Tenants.key(project, "client", "production"));
    }

    @Test
    void everyMethodAnswersRandomAndBrokenInputWithAClearStatus() throws Exception {
        Map<String, Long> stackTracesBefore = stackTraces();
        Random random = new Random(SEED);
        List<String> problems = new ArrayList<>();
        int calls = 0;
        for (Map.Entry<String, Set<String>> served : GrpcSurface.SERVED.entrySet()) {
            URI address = GrpcSurface.address(served.getKey());
            ManagedChannel channel = ManagedChannelBuilder.forAddress(address.getHost(), address.getPort())
                    .usePlaintext().maxInboundMessageSize(16 * 1024 * 1024).build();
            try {
                for (ServiceDescriptor service : GrpcSurface.SERVICES) {
                    if (!served.getValue().contains(service.getName())) {
                        continue;
                    }
                    List<MethodDescriptor<byte[], byte[]>> raw = GrpcSurface.methods(service);
                    for (int m = 0; m < raw.size(); m++) {
                        MethodDescriptor<byte[], byte[]> method = raw.get(m);
                        Descriptors.Descriptor input = ((ProtoMethodDescriptorSupplier) service.getMethods()
                                .stream().filter(d -> d.getFullMethodName().equals(method.getFullMethodName()))
                                .findFirst().orElseThrow().getSchemaDescriptor()).getMethodDescriptor()
                                .getInputType();
                        String where = served.getKey() + " " + method.getFullMethodName();
                        // Garbage bytes: not a protobuf message at all.
                        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x0a, (byte) 0x80};
                        for (String key : List.of(keys.get(0), keys.get(1))) {
                            calls++;
                            GrpcSurface.Answer answer = GrpcSurface.call(channel, method, garbage, key, DEADLINE);
                            // an admin key may be refused before the body is read; nothing else may hide it
                            if (answer.code() != Status.Code.INVALID_ARGUMENT
                                    && answer.code() != Status.Code.PERMISSION_DENIED) {
                                problems.add(where + " garbage: " + answer.status());
                            }
                        }
                        for (int i = 0; i < MESSAGES_PER_METHOD; i++) {
                            byte[] message = randomMessage(input, random).toByteArray();
                            String key = keys.get(random.nextInt(keys.size()));
                            calls++;
                            GrpcSurface.Answer answer = GrpcSurface.call(channel, method, message, key, DEADLINE);
                            if (BROKEN.contains(answer.code())) {
                                problems.add(where + " #" + i + " (" + message.length + " bytes): " + answer.status());
                            }
                        }
                    }
                }
                // The connection still serves after everything it was sent.
                MethodDescriptor<byte[], byte[]> any = GrpcSurface.methods(GrpcSurface.SERVICES.stream()
                        .filter(s -> served.getValue().contains(s.getName())).findFirst().orElseThrow()).get(0);
                GrpcSurface.Answer after = GrpcSurface.call(channel, any, new byte[0], null, DEADLINE);
                if (BROKEN.contains(after.code())) {
                    problems.add(served.getKey() + ": the connection no longer serves: " + after.status());
                }
            } finally {
                channel.shutdownNow();
            }
        }
        System.out.println("gRPC fuzz: " + calls + " calls, seed " + SEED + ", " + problems.size() + " problems");
        assertTrue(problems.isEmpty(), String.join("\n", problems.subList(0, Math.min(40, problems.size()))));
        assertEquals(stackTracesBefore, stackTraces(), "a service logged stack traces for fuzzed input");
    }

    /** A message of this type with random fields, as a client with bad intentions could send (about 1 MB at most). */
    static DynamicMessage randomMessage(Descriptors.Descriptor type, Random random) {
        return randomMessage(type, random, 0, new int[]{1_000_000});
    }

    private static DynamicMessage randomMessage(Descriptors.Descriptor type, Random random, int depth, int[] budget) {
        DynamicMessage.Builder message = DynamicMessage.newBuilder(type);
        for (Descriptors.FieldDescriptor field : type.getFields()) {
            boolean nested = field.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE;
            if (random.nextInt(3) == 0 || budget[0] <= 0 || nested && depth > 4) {
                continue;
            }
            if (field.isRepeated()) {
                int count = random.nextInt(10) == 0 ? (nested ? 20 : 300) : random.nextInt(4);
                for (int i = 0; i < count && budget[0] > 0; i++) {
                    message.addRepeatedField(field, randomValue(field, random, depth, budget));
                }
            } else {
                message.setField(field, randomValue(field, random, depth, budget));
            }
        }
        return message.build();
    }

    private static Object randomValue(Descriptors.FieldDescriptor field, Random random, int depth, int[] budget) {
        budget[0] -= 8;
        return switch (field.getJavaType()) {
            case STRING -> spend(randomString(random), budget);
            case BYTE_STRING -> ByteString.copyFromUtf8(spend(randomString(random), budget));
            case INT -> switch (random.nextInt(4)) {
                case 0 -> Integer.MIN_VALUE;
                case 1 -> Integer.MAX_VALUE;
                case 2 -> -1;
                default -> random.nextInt(100);
            };
            case LONG -> random.nextBoolean() ? Long.MIN_VALUE : random.nextLong();
            case FLOAT -> random.nextBoolean() ? Float.NaN : random.nextFloat() * 1e30f;
            case DOUBLE -> switch (random.nextInt(5)) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> -0.0;
                case 3 -> Double.MAX_VALUE;
                default -> random.nextGaussian() * 1e6;
            };
            case BOOLEAN -> random.nextBoolean();
            case ENUM -> field.getEnumType().findValueByNumberCreatingIfUnknown(
                    random.nextInt(4) == 0 ? 9999 : random.nextInt(field.getEnumType().getValues().size()));
            case MESSAGE -> randomMessage(field.getMessageType(), random, depth + 1, budget);
        };
    }

    private static String spend(String text, int[] budget) {
        budget[0] -= text.length();
        return text;
    }

    private static final String[] PIECES = {"", "production", "a", "../../etc", "\u0000", "\uD83D\uDE00", "\u202e",
            "{\"var\":\"x\"}", "fw_server_x", "%s%n", "' or 1=1 --", "\n\r\t"};

    private static String randomString(Random random) {
        int kind = random.nextInt(10);
        if (kind < 5) {
            return PIECES[random.nextInt(PIECES.length)];
        }
        int length = switch (kind) {
            case 5, 6 -> random.nextInt(64);
            case 7 -> 1_000;
            case 8 -> 70_000;
            default -> random.nextInt(300);
        };
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(8) == 0 ? (char) random.nextInt(0x3000) : (char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    /** Lines that look like stack frames in each local service log (none when the platform is remote). */
    private static Map<String, Long> stackTraces() throws IOException {
        Map<String, Long> frames = new HashMap<>();
        if (!Platform.launchedLocally()) {
            return frames;
        }
        Path logs = Platform.root().resolve(".flywheel/logs");
        for (String component : List.of("gateway", "event-collector", "feature-flags", "experiment-assignment",
                "metrics-aggregator", "feedback")) {
            Path log = logs.resolve(component + ".log");
            if (Files.exists(log)) {
                try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                    frames.put(component, lines.filter(line -> line.startsWith("\tat ")).count());
                }
            }
        }
        return frames;
    }
}
