package dev.flywheel.gateway.caller;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call an endpoint (on a resource class, or a method to override it). {@link AccessFilter} checks it before
 * the request body is read or validated, so a caller who may not make a request learns nothing about its body.
 * People's roles (ADR 0011) map onto the levels; an admin key of the project passes every project level.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Access {

    Level value();

    enum Level {
        /** The operator's bootstrap credential. */
        PLATFORM_ADMIN,
        /** Administering the path's {projectId} (keys, members): an admin, an admin key, the bootstrap credential. */
        PROJECT_ADMIN,
        /** A project's settings: any member reads them, an admin changes them. */
        PROJECT_SETTINGS,
        /** A project's definitions (flags, experiments, metrics, surveys): any member reads them, an editor writes. */
        PROJECT_DEFINITIONS,
        /** Any member of the project, whatever the method (reads made with POST: previews, evaluations). */
        PROJECT_MEMBER,
        /** As PROJECT_MEMBER, or a server key of the path's {projectId} and {environment}. */
        ENVIRONMENT_READER,
        /** A client or server key: runtime calls made for end users, in the key's own environment. */
        ENVIRONMENT_KEY
    }
}
