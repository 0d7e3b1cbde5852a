package dev.flywheel.service.catalogue;

import java.time.Instant;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import dev.flywheel.service.grpc.ProtoValues;

/**
 * One audited change to a catalogue, as plain values: who made it, when, and the definition before and after.
 * {@code environment} is null for a project-wide change; {@code key} null for a change to the environment itself.
 */
public record AuditEntry(long id, String environment, String key, String action, String actor, Instant at,
        String beforeJson, String afterJson, long version, long environmentVersion, String comment) {

    /** The entries a page holds: 50 unless asked, at most 500. */
    public static int pageSize(int requested) {
        return requested <= 0 ? 50 : Math.min(requested, 500);
    }

    /**
     * Fills an audit message of any service's proto: they all name these fields alike ({@code id}, {@code key},
     * {@code action}, {@code actor}, {@code at}, {@code before_json}, {@code after_json}, {@code version},
     * {@code comment}, and where it has them {@code environment} and {@code environment_version}). Absent values
     * stay unset.
     */
    @SuppressWarnings("unchecked")
    public <M extends Message> M toProto(Message.Builder builder) {
        set(builder, "id", id);
        set(builder, "environment", environment);
        set(builder, "key", key);
        set(builder, "action", action);
        set(builder, "actor", actor);
        set(builder, "at", at == null ? null : ProtoValues.timestamp(at));
        set(builder, "before_json", beforeJson);
        set(builder, "after_json", afterJson);
        set(builder, "version", version);
        set(builder, "environment_version", environmentVersion == 0 ? null : environmentVersion);
        set(builder, "comment", comment);
        return (M) builder.build();
    }

    private static void set(Message.Builder builder, String field, Object value) {
        FieldDescriptor descriptor = builder.getDescriptorForType().findFieldByName(field);
        if (descriptor != null && value != null) {
            builder.setField(descriptor, value);
        }
    }
}
