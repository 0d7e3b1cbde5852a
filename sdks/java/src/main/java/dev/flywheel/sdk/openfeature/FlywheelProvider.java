package dev.flywheel.sdk.openfeature;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.flywheel.flags.FlagType;
import dev.flywheel.flags.Resolution;
import dev.flywheel.sdk.FlywheelClient;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.TrackingEventDetails;
import dev.openfeature.sdk.Value;

/**
 * An OpenFeature provider evaluating in-process with a {@link FlywheelClient}: the feature-flags service's answers
 * (values, variants, reasons, error codes, flag metadata) without a network hop. A new flag snapshot is announced as
 * PROVIDER_CONFIGURATION_CHANGED naming the changed flags; OpenFeature's {@code track} sends the event through the
 * client (the context's targeting key is the user).
 */
public final class FlywheelProvider extends EventProvider {

    private static final Metadata METADATA = () -> "flywheel";
    private static final ImmutableMetadata NO_METADATA = ImmutableMetadata.builder().build();

    private final FlywheelClient client;
    private final Duration initTimeout;
    private volatile boolean notReadyAtInit;
    private final Map<Map<String, Object>, ImmutableMetadata> metadataCache = new ConcurrentHashMap<>();

    /**
     * @param initTimeout
     *            how long {@code initialize} waits for the first snapshot; after it the provider is in error until a
     *            snapshot arrives (it then says PROVIDER_READY)
     */
    public FlywheelProvider(FlywheelClient client, Duration initTimeout) {
        this.client = client;
        this.initTimeout = initTimeout;
        client.onFlagsChanged(changed -> {
            if (notReadyAtInit) {
                notReadyAtInit = false;
                emitProviderReady(ProviderEventDetails.builder().message("first flag snapshot").build());
            }
            emitProviderConfigurationChanged(ProviderEventDetails.builder().flagsChanged(List.copyOf(changed))
                    .message("flags changed").build());
        });
    }

    public FlywheelProvider(FlywheelClient client) {
        this(client, Duration.ofSeconds(5));
    }

    @Override
    public Metadata getMetadata() {
        return METADATA;
    }

    @Override
    public void initialize(EvaluationContext context) throws Exception {
        if (!client.awaitReady(initTimeout)) {
            notReadyAtInit = true;
            throw new IllegalStateException("no flag snapshot within " + initTimeout.toMillis() + " ms");
        }
    }

    @Override
    public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
        Resolution r = client.evaluate(key, FlagType.BOOLEAN, attributes(ctx));
        return answer(r, r.hasValue() ? (Boolean) r.value() : defaultValue);
    }

    @Override
    public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
        Resolution r = client.evaluate(key, FlagType.STRING, attributes(ctx));
        return answer(r, r.hasValue() ? (String) r.value() : defaultValue);
    }

    @Override
    public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
        Resolution r = client.evaluate(key, FlagType.INTEGER, attributes(ctx));
        // a float variant is truncated, as flagd's ResolveInt does
        return answer(r, r.hasValue() ? (int) ((Number) r.value()).doubleValue() : defaultValue);
    }

    @Override
    public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
        Resolution r = client.evaluate(key, FlagType.FLOAT, attributes(ctx));
        return answer(r, r.hasValue() ? ((Number) r.value()).doubleValue() : defaultValue);
    }

    @Override
    public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
        Resolution r = client.evaluate(key, FlagType.OBJECT, attributes(ctx));
        return answer(r, r.hasValue() ? value(r.value()) : defaultValue);
    }

    @Override
    public void track(String eventName, EvaluationContext context, TrackingEventDetails details) {
        String user = context == null ? null : context.getTargetingKey();
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("tracking needs a targeting key (the user)");
        }
        Map<String, Object> properties = new HashMap<>();
        if (details != null) {
            properties.putAll(details.asObjectMap());
            details.getValue().ifPresent(value -> properties.put("value", value));
        }
        client.track(user, eventName, properties);
    }

    private <T> ProviderEvaluation<T> answer(Resolution r, T value) {
        ProviderEvaluation.ProviderEvaluationBuilder<T> out = ProviderEvaluation.<T>builder().value(value)
                .variant(r.variant()).reason(r.reason()).flagMetadata(metadata(r.metadata()));
        if (r.failed()) {
            out.errorCode(switch (r.error()) {
                case FLAG_NOT_FOUND -> ErrorCode.FLAG_NOT_FOUND;
                case TYPE_MISMATCH -> ErrorCode.TYPE_MISMATCH;
                case PARSE_ERROR -> ErrorCode.PARSE_ERROR;
                case TARGETING_KEY_MISSING -> ErrorCode.TARGETING_KEY_MISSING;
                case INVALID_CONTEXT -> ErrorCode.INVALID_CONTEXT;
                case GENERAL -> ErrorCode.GENERAL;
            }).errorMessage(r.errorMessage());
        }
        return out.build();
    }

    private static Map<String, Object> attributes(EvaluationContext context) {
        return context == null || context.isEmpty() ? Map.of() : new ContextAttributes(context);
    }

    /** A flag's metadata is one map for as long as its snapshot lives: converted once. */
    private ImmutableMetadata metadata(Map<String, Object> metadata) {
        if (metadata.isEmpty()) {
            return NO_METADATA;
        }
        ImmutableMetadata converted = metadataCache.get(metadata);
        if (converted == null) {
            if (metadataCache.size() > 10_000) {
                metadataCache.clear();
            }
            converted = convert(metadata);
            metadataCache.put(metadata, converted);
        }
        return converted;
    }

    private static ImmutableMetadata convert(Map<String, Object> metadata) {
        ImmutableMetadata.ImmutableMetadataBuilder out = ImmutableMetadata.builder();
        metadata.forEach((key, value) -> {
            if (value instanceof String s) {
                out.addString(key, s);
            } else if (value instanceof Boolean b) {
                out.addBoolean(key, b);
            } else if (value instanceof Integer i) {
                out.addInteger(key, i);
            } else if (value instanceof Long l) {
                out.addLong(key, l);
            } else if (value instanceof Number n) {
                out.addDouble(key, n.doubleValue());
            }
        });
        return out.build();
    }

    @SuppressWarnings("unchecked")
    private static Value value(Object json) {
        if (json instanceof Map<?, ?> map) {
            Map<String, Value> fields = new HashMap<>();
            ((Map<String, Object>) map).forEach((key, item) -> fields.put(key, value(item)));
            return new Value(new MutableStructure(fields));
        }
        if (json instanceof List<?> list) {
            List<Value> items = new ArrayList<>(list.size());
            list.forEach(item -> items.add(value(item)));
            return new Value(items);
        }
        if (json instanceof Number n) {
            return new Value(n.doubleValue());
        }
        if (json instanceof Boolean b) {
            return new Value(b);
        }
        return json == null ? new Value() : new Value(json.toString());
    }
}
