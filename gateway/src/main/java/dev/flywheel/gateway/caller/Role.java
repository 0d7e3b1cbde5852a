package dev.flywheel.gateway.caller;

import java.util.Locale;

/** A person's role in one project (ADR 0011), from least to most: each includes what the ones before it may do. */
public enum Role {
    /** Reads everything in the project: definitions, results, analytics. */
    VIEWER,
    /** Also edits definitions: flags, experiments, metrics, surveys. */
    EDITOR,
    /** Also administers: keys, members and invitations, project settings. */
    ADMIN,
    /** Also grants and takes the owner role. */
    OWNER;

    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a wire name names, or null for none. */
    public static Role fromWireName(String name) {
        for (Role role : values()) {
            if (role.wireName().equals(name)) {
                return role;
            }
        }
        return null;
    }
}
