package dev.flywheel.gateway.json;

import java.time.Instant;
import java.util.function.Function;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;

import dev.flywheel.service.grpc.ProtoValues;

/**
 * One audited change to a catalogue of definitions, as the REST API shows it: who made it, when, and the definition
 * before and after as JSON values (null where there was none). {@code environment} is null for project-wide
 * definitions and settings.
 */
@Schema(name = "AuditEntry")
public record AuditView(long id, String environment, String key, String action, String actor, Instant at,
        JsonNode before, JsonNode after, long version, String comment) {

    /**
     * From any service's audit message (they name their fields alike).
     *
     * @param document
     *            renders a before/after JSON text the service sent
     */
    public static AuditView of(MessageOrBuilder entry, Function<String, JsonNode> document) {
        String before = text(entry, "before_json");
        String after = text(entry, "after_json");
        return new AuditView((Long) value(entry, "id"), text(entry, "environment"), text(entry, "key"),
                text(entry, "action"), text(entry, "actor"), ProtoValues.instant((Timestamp) value(entry, "at")),
                before == null ? null : document.apply(before), after == null ? null : document.apply(after),
                (Long) value(entry, "version"), text(entry, "comment"));
    }

    private static Object value(MessageOrBuilder entry, String name) {
        return entry.getField(entry.getDescriptorForType().findFieldByName(name));
    }

    /** A text field's value, null when the message lacks the field or leaves it empty. */
    private static String text(MessageOrBuilder entry, String name) {
        FieldDescriptor field = entry.getDescriptorForType().findFieldByName(name);
        String value = field == null ? "" : (String) entry.getField(field);
        return value.isEmpty() ? null : value;
    }
}
