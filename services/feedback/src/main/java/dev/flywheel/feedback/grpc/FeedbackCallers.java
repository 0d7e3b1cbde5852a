package dev.flywheel.feedback.grpc;

import java.util.EnumSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.service.auth.KeyAuthenticator;
import dev.flywheel.service.grpc.RefusedRequest;
import dev.flywheel.service.grpc.StoreFailures;
import dev.flywheel.service.tenancy.Environments;
import io.smallrye.mutiny.Uni;

/**
 * Who may do what: admin keys manage the surveys of the environment a request names; server and client keys serve
 * and answer the surveys of their own environment only. Also maps every failure to its gRPC status, once.
 */
@ApplicationScoped
public class FeedbackCallers {

    private static final Set<KeyKind> ADMINS = EnumSet.of(KeyKind.KEY_KIND_ADMIN);
    private static final Set<KeyKind> READERS = EnumSet.of(KeyKind.KEY_KIND_ADMIN, KeyKind.KEY_KIND_SERVER);
    private static final Set<KeyKind> RESPONDENTS = EnumSet.of(KeyKind.KEY_KIND_SERVER, KeyKind.KEY_KIND_CLIENT);

    private final KeyAuthenticator authenticator;

    public FeedbackCallers(KeyAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** An admin key's call: the project and environment it manages surveys in, and who it is for the audit log. */
    record Admin(Scope scope, String actor) {
    }

    Uni<Admin> admin(String environment) {
        return admin(environment, "manage surveys");
    }

    private Uni<Admin> admin(String environment, String action) {
        return authenticator.authenticateCaller(ADMINS, action).map(key -> {
            if (!Environments.isName(environment)) {
                throw RefusedRequest.invalid(Environments.NAME_RULE);
            }
            return new Admin(Scope.newBuilder().setProjectId(key.getScope().getProjectId())
                    .setEnvironment(environment).build(), KeyAuthenticator.actor(key));
        });
    }

    /** The scope results are read in (Environments.readerScope). */
    Uni<Scope> reader(String environment) {
        return reader(environment, "read survey results");
    }

    private Uni<Scope> reader(String environment, String action) {
        return authenticator.authenticateCaller(READERS, action).map(key -> Environments.readerScope(key,
                environment));
    }

    /** The environment a server or client key answers surveys in: its own. */
    Uni<Scope> respondent() {
        return ownEnvironment("answer surveys");
    }

    private Uni<Scope> ownEnvironment(String action) {
        return authenticator.authenticateCaller(RESPONDENTS, action).map(key -> Scope.newBuilder()
                .setProjectId(key.getScope().getProjectId()).setEnvironment(key.getScope().getEnvironment())
                .build());
    }

    /** The environment a client or server key sends recording chunks to: its own. */
    Uni<Scope> recorder() {
        return ownEnvironment("send recordings");
    }

    /** The scope recordings are watched in: an admin key names it, a server key has its own. */
    Uni<Scope> recordingViewer(String environment) {
        return reader(environment, "watch recordings");
    }

    /** The project an admin key manages recording settings of. */
    Uni<String> recordingAdmin() {
        return authenticator.authenticateCaller(ADMINS, "manage recording settings")
                .map(key -> key.getScope().getProjectId());
    }

    /** The scope an admin key erases recordings in. */
    Uni<Scope> recordingEraser(String environment) {
        return admin(environment, "erase recordings").map(Admin::scope);
    }

    static Throwable toStatus(Throwable failure) {
        return StoreFailures.toStatus(failure, "feedback storage");
    }
}
