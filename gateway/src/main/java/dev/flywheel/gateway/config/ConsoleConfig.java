package dev.flywheel.gateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** People, sessions and sign-in for the console (prefix {@code flywheel.console}, ADR 0011). */
@ConfigMapping(prefix = "flywheel.console")
public interface ConsoleConfig {

    /** A session ends after this long without a request. */
    @WithDefault("30M")
    Duration sessionIdleTimeout();

    /** A session ends this long after sign-in, however active. */
    @WithDefault("12H")
    Duration sessionAbsoluteTimeout();

    /** How long an invitation link stays valid. */
    @WithDefault("7D")
    Duration invitationLifetime();

    /** How long the first owner's setup link stays valid. */
    @WithDefault("24H")
    Duration setupTokenLifetime();

    /** Failed sign-ins to one account before it is locked for a while (doubling with each further failure). */
    @WithDefault("5")
    int failuresBeforeLockout();

    /** Sign-in attempts allowed per client address per minute. */
    @WithDefault("20")
    int signInsPerAddressPerMinute();

    /** Password hashes waiting for a hashing worker before further sign-ins are refused with 503. */
    @WithDefault("256")
    int passwordHashQueue();

    /** Shortest password accepted. */
    @WithDefault("10")
    int minimumPasswordLength();

    /** Single sign-on (OpenID Connect); the provider itself is quarkus.oidc.* (FLYWHEEL_SSO_* in the launcher). */
    Sso sso();

    interface Sso {
        /** Whether the sign-in page offers single sign-on (FLYWHEEL_CONSOLE_SSO_ENABLED). */
        @WithDefault("false")
        boolean enabled();

        /** What the sign-in button says, e.g. "Sign in with Keycloak". */
        @WithDefault("Sign in with single sign-on")
        String label();

        /**
         * The ID token claim that carries roles, each "<project id or name>:<role>" (e.g. "checkout:editor"); the
         * person's roles in those projects follow it at every single sign-on.
         */
        @WithDefault("flywheel_roles")
        String roleClaim();
    }
}
