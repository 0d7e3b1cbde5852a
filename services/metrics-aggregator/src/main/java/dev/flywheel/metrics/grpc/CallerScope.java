package dev.flywheel.metrics.grpc;

import java.util.EnumSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.model.Scope;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.service.auth.KeyAuthenticator;
import dev.flywheel.service.grpc.StoreFailures;
import dev.flywheel.service.tenancy.Environments;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Who may read analytics, and which environment a call reads: an admin key names it in the request; a server key
 * reads its own (naming another is refused). Also maps every failure to its gRPC status, once.
 */
@ApplicationScoped
public class CallerScope {

    private static final Set<KeyKind> READERS = EnumSet.of(KeyKind.KEY_KIND_ADMIN, KeyKind.KEY_KIND_SERVER);
    private static final Set<KeyKind> ADMINS = EnumSet.of(KeyKind.KEY_KIND_ADMIN);
    private static final String QUERY_CANCELED = "57014";

    private final KeyAuthenticator authenticator;

    public CallerScope(KeyAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** The scope a query reads, for an admin or server key. */
    Uni<Scope> reader(String environment) {
        return authenticator.authenticateCaller(READERS, "read analytics").map(key -> scope(key, environment));
    }

    /** An admin key's call: the project it manages, and who it is for the audit log. */
    record Admin(String projectId, String actor) {
    }

    Uni<Admin> admin() {
        return authenticator.authenticateCaller(ADMINS, "change analytics settings")
                .map(key -> new Admin(key.getScope().getProjectId(), KeyAuthenticator.actor(key)));
    }

    private static Scope scope(ResolveKeyResponse key, String requested) {
        dev.flywheel.proto.common.v1.Scope scope = Environments.readerScope(key, requested);
        return new Scope(scope.getProjectId(), scope.getEnvironment());
    }

    /** The gRPC status of any failure of an analytics call. */
    static Throwable toStatus(Throwable failure) {
        if (failure instanceof PgException e && QUERY_CANCELED.equals(e.getSqlState())) {
            return Status.DEADLINE_EXCEEDED.withDescription("the query ran past its time limit; narrow the range "
                    + "or the breakdown").asRuntimeException();
        }
        return StoreFailures.toStatus(failure, "the event store");
    }
}
