package dev.flywheel.gateway.caller;

import java.util.Locale;

/** What an API key may do; the lower-case name is what the API and the key's prefix show. */
public enum KeyKind {
    /** Public, safe in a browser: ingest, flag evaluation, surveys; one environment. */
    CLIENT(true),
    /** Secret: everything a client key does plus gRPC assignment/evaluation and bulk import; one environment. */
    SERVER(true),
    /** Management API of one project. */
    ADMIN(false);

    private final boolean environmentScoped;

    KeyKind(boolean environmentScoped) {
        this.environmentScoped = environmentScoped;
    }

    public boolean environmentScoped() {
        return environmentScoped;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KeyKind fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public dev.flywheel.proto.common.v1.KeyKind toProto() {
        return switch (this) {
            case CLIENT -> dev.flywheel.proto.common.v1.KeyKind.KEY_KIND_CLIENT;
            case SERVER -> dev.flywheel.proto.common.v1.KeyKind.KEY_KIND_SERVER;
            case ADMIN -> dev.flywheel.proto.common.v1.KeyKind.KEY_KIND_ADMIN;
        };
    }
}
