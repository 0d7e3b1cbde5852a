package dev.flywheel.service.catalogue;

import java.util.function.Function;

import jakarta.persistence.LockModeType;

import dev.flywheel.service.grpc.RefusedRequest;
import dev.flywheel.service.tenancy.Environments;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The life cycle every catalogue of versioned definitions shares (flags, experiments, surveys, experiment metrics):
 * a change locks its environment's row (creating it), checks the version the writer read, raises the environment's
 * version, is audited in the same transaction and, when it commits, tells every replica (PostgreSQL NOTIFY on the
 * catalogue's channel, which its {@link SnapshotRegistry} listens to). Runs in the caller's Hibernate Reactive
 * session and transaction.
 */
public final class Catalogue<E extends CatalogueEnvironment> {

    private final String what;
    private final Class<E> environmentType;
    private final String environmentTable;
    private final String channel;

    /**
     * @param what
     *            what one definition is, for messages: "flag", "experiment"
     * @param environmentTable
     *            the environment rows' table, schema-qualified
     * @param channel
     *            the NOTIFY channel replicas listen on
     */
    public Catalogue(String what, Class<E> environmentType, String environmentTable, String channel) {
        this.what = what;
        this.environmentType = environmentType;
        this.environmentTable = environmentTable;
        this.channel = channel;
    }

    public String channel() {
        return channel;
    }

    /** The environment's row, null when nothing was ever defined there. */
    public Uni<E> find(EnvironmentKey key) {
        return Panache.getSession().flatMap(session -> session
                .createSelectionQuery(select(), environmentType).setParameter(1, key.projectId())
                .setParameter(2, key.environment()).getSingleResultOrNull());
    }

    /**
     * Runs one change to an environment: its row is created if missing and locked until the transaction ends, so
     * changes to one environment are serialised and versions rise without gaps or races. When the change raised
     * the version, every replica hears of it once the transaction commits.
     */
    public <R> Uni<R> change(EnvironmentKey key, Function<E, Uni<R>> change) {
        return lockOrCreate(key).flatMap(environment -> {
            long before = environment.version;
            return change.apply(environment).call(result -> environment.version != before
                    ? notifyChanged(key)
                    : Uni.createFrom().voidItem());
        });
    }

    /** As {@link #change}, for changes to something that must exist: NOT_FOUND (naming it) when nothing does. */
    public <R> Uni<R> changeExisting(EnvironmentKey key, String definitionKey, Function<E, Uni<R>> change) {
        return find(key).flatMap(found -> found == null
                ? Uni.createFrom().failure(notFound(definitionKey, key.environment()))
                : change(key, change));
    }

    /** Tells every replica (this one too) about a change, when the transaction commits. */
    public Uni<Void> notifyChanged(EnvironmentKey key) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("SELECT CAST(pg_notify(?1, ?2) AS text)")
                        .setParameter(1, channel).setParameter(2, key.payload()).getSingleResult())
                .replaceWithVoid();
    }

    /** Stores an audit entry in the change's transaction. */
    public <A extends AuditedChange> Uni<A> audit(A entry) {
        return Panache.getSession().flatMap(session -> session.persist(entry)).replaceWith(entry);
    }

    /**
     * @throws RefusedRequest
     *             INVALID unless the name is an environment's
     */
    public void checkEnvironment(String environment) {
        if (!Environments.isName(environment)) {
            throw RefusedRequest.invalid(Environments.NAME_RULE);
        }
    }

    /**
     * @throws RefusedRequest
     *             CONFLICT unless the stored version is the one the writer expects
     */
    public void checkVersion(String key, Long current, long expected) {
        ExpectedVersion.check(what, key, current, expected);
    }

    public RefusedRequest notFound(String key, String environment) {
        return RefusedRequest.notFound(what, key, environment);
    }

    private Uni<E> lockOrCreate(EnvironmentKey key) {
        String insert = "INSERT INTO " + environmentTable + " (project_id, environment, version, updated_at)"
                + " VALUES (?1, ?2, 0, now()) ON CONFLICT (project_id, environment) DO NOTHING";
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery(insert).setParameter(1, key.projectId())
                        .setParameter(2, key.environment()).executeUpdate()
                        .flatMap(ignored -> session.createSelectionQuery(select(), environmentType)
                                .setParameter(1, key.projectId()).setParameter(2, key.environment())
                                .setLockMode(LockModeType.PESSIMISTIC_WRITE).getSingleResult()));
    }

    private String select() {
        return "from " + environmentType.getSimpleName() + " where projectId = ?1 and environment = ?2";
    }
}
