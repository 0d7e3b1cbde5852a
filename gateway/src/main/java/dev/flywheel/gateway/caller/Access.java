package dev.flywheel.gateway.caller;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call an endpoint (on a resource class, or a method to override it). {@link AccessFilter} checks it before
 * the request body is read or validated, so a caller who may not make a request learns nothing about its body.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Access {

    Level value();

    enum Level {
        /** The operator's bootstrap credential. */
        PLATFORM_ADMIN,
        /** An admin key of the project in the path's {projectId}, or the bootstrap credential. */
        PROJECT_ADMIN,
        /** As PROJECT_ADMIN, or a server key of the path's {projectId} and {environment}. */
        ENVIRONMENT_READER,
        /** A client or server key: runtime calls made for end users, in the key's own environment. */
        ENVIRONMENT_KEY
    }
}
