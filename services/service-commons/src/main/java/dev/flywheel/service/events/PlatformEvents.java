package dev.flywheel.service.events;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.proto.events.v1.PlatformEventsProto;
import dev.flywheel.service.grpc.ProtoValues;

/**
 * The events the platform records itself, written and read through their messages in platform_events.proto: the
 * event name comes from the message's {@code platform_event} option, the properties are the message's fields by
 * their proto names (the wire form that file describes).
 */
public final class PlatformEvents {

    private PlatformEvents() {
    }

    /** The event name a properties message is sent under. */
    public static String name(Descriptor type) {
        String name = type.getOptions().getExtension(PlatformEventsProto.platformEvent);
        if (name.isEmpty()) {
            throw new IllegalArgumentException(type.getFullName() + " is not a platform event");
        }
        return name;
    }

    /**
     * A track event the platform records on a person's behalf: named by the message's type, stamped at {@code at},
     * marked internal, with its own message id (resending it stores it once).
     */
    public static Event.Builder track(Scope scope, Message properties, String distinctId, String messageId,
            Instant at, String library) {
        Timestamp time = ProtoValues.timestamp(at);
        return Event.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setMessageId(messageId)
                .setScope(scope)
                .setType(EventType.EVENT_TYPE_TRACK)
                .setName(name(properties.getDescriptorForType()))
                .setDistinctId(distinctId)
                .setProperties(properties(properties))
                .setTimestamp(time)
                .setOriginalTimestamp(time)
                .setReceivedAt(time)
                .setSource(EventSource.EVENT_SOURCE_INTERNAL)
                .setLibrary(library);
    }

    /**
     * The properties of {@code event} as a message like {@code prototype}: empty when the event is not an internal
     * event of that type, or when a property is of another kind than its field. An absent property is the field's
     * default; properties the message does not name are ignored.
     */
    public static <T extends Message> Optional<T> read(Event event, T prototype) {
        return event.getSource() == EventSource.EVENT_SOURCE_INTERNAL
                ? readReported(event, prototype)
                : Optional.empty();
    }

    /**
     * As {@link #read}, whoever sent the event: for the platform events that clients may report themselves (an
     * SDK evaluating in-process reports its users' exposures through the ingest).
     */
    @SuppressWarnings("unchecked")
    public static <T extends Message> Optional<T> readReported(Event event, T prototype) {
        if (!name(prototype.getDescriptorForType()).equals(event.getName())) {
            return Optional.empty();
        }
        Message.Builder builder = prototype.newBuilderForType();
        return fill(event.getProperties(), builder) ? Optional.of((T) builder.build()) : Optional.empty();
    }

    static Struct properties(Message message) {
        Struct.Builder struct = Struct.newBuilder();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.isRepeated()) {
                List<?> items = (List<?>) message.getField(field);
                if (!items.isEmpty()) {
                    ListValue.Builder list = ListValue.newBuilder();
                    items.forEach(item -> list.addValues(value(field, item)));
                    struct.putFields(field.getName(), Value.newBuilder().setListValue(list).build());
                }
            } else if (!field.hasPresence() || message.hasField(field)) {
                struct.putFields(field.getName(), value(field, message.getField(field)));
            }
        }
        return struct.build();
    }

    private static Value value(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case STRING -> Value.newBuilder().setStringValue((String) value).build();
            case BOOLEAN -> Value.newBuilder().setBoolValue((Boolean) value).build();
            case INT, LONG, FLOAT, DOUBLE -> Value.newBuilder().setNumberValue(((Number) value).doubleValue()).build();
            case MESSAGE -> Value.newBuilder().setStructValue(properties((Message) value)).build();
            default -> throw new IllegalArgumentException(field.getFullName() + " has no property form");
        };
    }

    private static boolean fill(Struct struct, Message.Builder builder) {
        for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
            Value value = struct.getFieldsMap().get(field.getName());
            if (value == null) {
                continue; // absent: the field's default, as in protobuf
            }
            if (field.isRepeated()) {
                if (value.getKindCase() != Value.KindCase.LIST_VALUE) {
                    return false;
                }
                for (Value item : value.getListValue().getValuesList()) {
                    Object read = read(field, item, builder);
                    if (read == null) {
                        return false;
                    }
                    builder.addRepeatedField(field, read);
                }
            } else {
                Object read = read(field, value, builder);
                if (read == null) {
                    return false;
                }
                builder.setField(field, read);
            }
        }
        return true;
    }

    /** A field's value from its property, or null when the property is of another kind. */
    private static Object read(FieldDescriptor field, Value value, Message.Builder parent) {
        Value.KindCase kind = value.getKindCase();
        double number = value.getNumberValue();
        return switch (field.getJavaType()) {
            case STRING -> kind == Value.KindCase.STRING_VALUE ? value.getStringValue() : null;
            case BOOLEAN -> kind == Value.KindCase.BOOL_VALUE ? value.getBoolValue() : null;
            case INT -> kind == Value.KindCase.NUMBER_VALUE && number == Math.rint(number)
                    && Math.abs(number) <= Integer.MAX_VALUE ? (Object) (int) number : null;
            case LONG -> kind == Value.KindCase.NUMBER_VALUE && number == Math.rint(number)
                    && Math.abs(number) <= 0x1p53 ? (Object) (long) number : null;
            case FLOAT -> kind == Value.KindCase.NUMBER_VALUE ? (Object) (float) number : null;
            case DOUBLE -> kind == Value.KindCase.NUMBER_VALUE ? (Object) number : null;
            case MESSAGE -> {
                if (kind != Value.KindCase.STRUCT_VALUE) {
                    yield null;
                }
                Message.Builder nested = parent.newBuilderForField(field);
                yield fill(value.getStructValue(), nested) ? nested.build() : null;
            }
            default -> null;
        };
    }
}
