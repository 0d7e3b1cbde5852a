package dev.flywheel.gateway.people.store;

import static dev.flywheel.gateway.sql.SqlValues.firstRow;
import static dev.flywheel.gateway.sql.SqlValues.instant;
import static dev.flywheel.gateway.sql.SqlValues.utc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.caller.Role;
import dev.flywheel.gateway.sql.SqlValues;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** People, their memberships, invitations and the first owner's setup tokens (gateway schema, ADR 0011). */
@ApplicationScoped
public class PeopleStore {

    /** A person as stored; {@code passwordHash} is null for single-sign-on-only people. */
    public record PersonRow(UUID id, String email, String name, String passwordHash, Instant disabledAt) {
    }

    /** A person with their active roles by project: what a session's request needs. */
    public record PersonWithRoles(PersonRow person, Map<UUID, Role> roles) {
    }

    public record MemberRow(UUID personId, String email, String name, Role role, Instant joinedAt, Instant disabledAt,
            boolean canSignIn) {
    }

    public record InvitationRow(UUID id, UUID projectId, String projectName, String email, Role role,
            String invitedBy, Instant createdAt, Instant expiresAt) {
    }

    /** Raised when an email is taken: the caller answers 409. */
    public static final class EmailTaken extends RuntimeException {
        public EmailTaken() {
            super("email taken", null, false, false);
        }
    }

    private static final String PERSON_COLUMNS = "p.id, p.email, p.name, p.password_hash, p.disabled_at";

    private final Pool pool;

    public PeopleStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Boolean> anyoneSignedUp() {
        return pool.query("SELECT EXISTS (SELECT 1 FROM gateway.person)").execute()
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<PersonRow> findByEmail(String email) {
        return pool
                .preparedQuery("SELECT " + PERSON_COLUMNS + " FROM gateway.person p WHERE lower(p.email) = lower($1)")
                .execute(Tuple.of(email)).map(PeopleStore::firstPerson);
    }

    /** The person and their active memberships, or null when there is no such person. */
    public Uni<PersonWithRoles> findWithRoles(UUID personId) {
        return pool.preparedQuery("SELECT " + PERSON_COLUMNS + ", m.project_id, m.role FROM gateway.person p"
                + " LEFT JOIN gateway.membership m ON m.person_id = p.id AND m.disabled_at IS NULL WHERE p.id = $1")
                .execute(Tuple.of(personId)).map(rows -> {
                    PersonRow person = null;
                    Map<UUID, Role> roles = new LinkedHashMap<>();
                    for (Row row : rows) {
                        person = person(row);
                        UUID project = row.getUUID("project_id");
                        if (project != null) {
                            roles.put(project, Role.fromWireName(row.getString("role")));
                        }
                    }
                    return person == null ? null : new PersonWithRoles(person, Map.copyOf(roles));
                });
    }

    public Uni<Void> setPassword(UUID personId, String passwordHash) {
        return pool.preparedQuery("UPDATE gateway.person SET password_hash = $2 WHERE id = $1")
                .execute(Tuple.of(personId, passwordHash)).replaceWithVoid();
    }

    // --- the first owner ---

    public Uni<Void> saveSetupToken(String tokenHash, Instant expiresAt) {
        return pool.preparedQuery("INSERT INTO gateway.setup_token (token_hash, created_at, expires_at)"
                + " VALUES ($1, now(), $2)").execute(Tuple.of(tokenHash, utc(expiresAt))).replaceWithVoid();
    }

    /**
     * Spends a setup token and creates the first owner, an owner of every project there is, in one transaction;
     * null when the token is unknown, used or expired, or someone has signed up already.
     */
    public Uni<UUID> createFirstOwner(String tokenHash, String email, String name, String passwordHash) {
        return pool.withTransaction(tx -> tx.preparedQuery("UPDATE gateway.setup_token SET used_at = now()"
                + " WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()"
                + " AND NOT EXISTS (SELECT 1 FROM gateway.person) RETURNING token_hash")
                .execute(Tuple.of(tokenHash)).flatMap(spent -> {
                    if (spent.rowCount() == 0) {
                        return Uni.createFrom().<UUID>nullItem();
                    }
                    return insertPerson(tx, email, name, passwordHash).call(id -> tx.preparedQuery(
                            "INSERT INTO gateway.membership (person_id, project_id, role, created_at)"
                                    + " SELECT $1, id, 'owner', now() FROM gateway.project")
                            .execute(Tuple.of(id)));
                }));
    }

    public Uni<UUID> createPerson(String email, String name, String passwordHash) {
        return insertPerson(pool, email, name, passwordHash);
    }

    private static Uni<UUID> insertPerson(SqlClient client, String email, String name, String passwordHash) {
        UUID id = UUID.randomUUID();
        return client.preparedQuery("INSERT INTO gateway.person (id, email, name, password_hash, created_at)"
                + " VALUES ($1, $2, $3, $4, now())").execute(Tuple.of(id, email, name, passwordHash))
                .onFailure(SqlValues::uniqueViolation).transform(taken -> new EmailTaken())
                .replaceWith(id);
    }

    // --- invitations ---

    public Uni<InvitationRow> saveInvitation(UUID projectId, String email, Role role, String tokenHash,
            String invitedBy, Instant expiresAt) {
        UUID id = UUID.randomUUID();
        return pool.preparedQuery("INSERT INTO gateway.invitation (id, project_id, email, role, token_hash, invited_by,"
                + " created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, now(), $7)")
                .execute(Tuple.from(List.of(id, projectId, email, role.wireName(), tokenHash, invitedBy,
                        utc(expiresAt))))
                .flatMap(ignored -> findInvitation(id, null));
    }

    /** A pending invitation by its token's hash (not accepted, revoked or expired), or null. */
    public Uni<InvitationRow> findPendingInvitation(String tokenHash) {
        return findInvitation(null, tokenHash);
    }

    private Uni<InvitationRow> findInvitation(UUID id, String tokenHash) {
        return pool.preparedQuery(INVITATIONS + " AND (i.id = $1 OR i.token_hash = $2)")
                .execute(Tuple.of(id, tokenHash)).map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? invitation(it.next()) : null;
                });
    }

    public Uni<List<InvitationRow>> pendingInvitations(UUID projectId) {
        return pool.preparedQuery(INVITATIONS + " AND i.project_id = $1 ORDER BY i.created_at DESC")
                .execute(Tuple.of(projectId)).map(rows -> {
                    List<InvitationRow> found = new ArrayList<>();
                    rows.forEach(row -> found.add(invitation(row)));
                    return found;
                });
    }

    public Uni<Boolean> revokeInvitation(UUID projectId, UUID invitationId) {
        return pool.preparedQuery("UPDATE gateway.invitation SET revoked_at = now() WHERE id = $1 AND project_id = $2"
                + " AND accepted_at IS NULL AND revoked_at IS NULL")
                .execute(Tuple.of(invitationId, projectId)).map(rows -> rows.rowCount() > 0);
    }

    /**
     * Accepts an invitation for a person (created here when {@code newPerson} is given): their membership gets the
     * invited role. Null when the invitation is no longer pending.
     */
    public Uni<UUID> acceptInvitation(String tokenHash, UUID existingPerson, String name, String passwordHash) {
        return pool.withTransaction(tx -> tx.preparedQuery("UPDATE gateway.invitation SET accepted_at = now()"
                + " WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()"
                + " RETURNING project_id, email, role").execute(Tuple.of(tokenHash)).flatMap(accepted -> {
                    if (accepted.rowCount() == 0) {
                        return Uni.createFrom().<UUID>nullItem();
                    }
                    Row invitation = accepted.iterator().next();
                    Uni<UUID> person = existingPerson != null
                            ? Uni.createFrom().item(existingPerson)
                            : insertPerson(tx, invitation.getString("email"), name, passwordHash);
                    return person.call(id -> tx.preparedQuery("INSERT INTO gateway.membership (person_id, project_id,"
                            + " role, created_at) VALUES ($1, $2, $3, now()) ON CONFLICT (person_id, project_id)"
                            + " DO UPDATE SET role = EXCLUDED.role, disabled_at = NULL")
                            .execute(Tuple.of(id, invitation.getUUID("project_id"), invitation.getString("role"))));
                }));
    }

    // --- members ---

    public Uni<List<MemberRow>> members(UUID projectId) {
        return pool.preparedQuery("SELECT p.id, p.email, p.name, p.password_hash, p.disabled_at AS person_disabled,"
                + " m.role, m.created_at, m.disabled_at FROM gateway.membership m"
                + " JOIN gateway.person p ON p.id = m.person_id WHERE m.project_id = $1 ORDER BY lower(p.email)")
                .execute(Tuple.of(projectId)).map(rows -> {
                    List<MemberRow> found = new ArrayList<>();
                    for (Row row : rows) {
                        found.add(new MemberRow(row.getUUID("id"), row.getString("email"), row.getString("name"),
                                Role.fromWireName(row.getString("role")), instant(row, "created_at"),
                                instant(row, "disabled_at"), row.getValue("person_disabled") == null));
                    }
                    return found;
                });
    }

    /**
     * Changes a member's role or disables/enables them, refusing (false) to leave the project without an active
     * owner. Null when the person is not a member.
     */
    public Uni<Boolean> updateMember(UUID projectId, UUID personId, Role role, Boolean disabled) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT person_id, role, disabled_at FROM"
                + " gateway.membership WHERE project_id = $1 FOR UPDATE").execute(Tuple.of(projectId))
                .flatMap(rows -> {
                    boolean member = false;
                    int otherActiveOwners = 0;
                    for (Row row : rows) {
                        boolean self = row.getUUID("person_id").equals(personId);
                        member |= self;
                        if (!self && "owner".equals(row.getString("role")) && row.getValue("disabled_at") == null) {
                            otherActiveOwners++;
                        }
                    }
                    if (!member) {
                        return Uni.createFrom().<Boolean>nullItem();
                    }
                    boolean staysOwner = (role == null || role == Role.OWNER) && !Boolean.TRUE.equals(disabled);
                    if (otherActiveOwners == 0 && !staysOwner && isOwner(rows, personId)) {
                        return Uni.createFrom().item(false);
                    }
                    return tx.preparedQuery("UPDATE gateway.membership SET role = COALESCE($3, role), disabled_at ="
                            + " CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN COALESCE(disabled_at,"
                            + " now()) ELSE NULL END WHERE project_id = $1 AND person_id = $2")
                            .execute(Tuple.of(projectId, personId, role == null ? null : role.wireName(), disabled))
                            .replaceWith(true);
                }));
    }

    private static boolean isOwner(RowSet<Row> rows, UUID personId) {
        for (Row row : rows) {
            if (row.getUUID("person_id").equals(personId)) {
                return "owner".equals(row.getString("role")) && row.getValue("disabled_at") == null;
            }
        }
        return false;
    }

    /** The role the person holds in the project, active or not; null for none. */
    public Uni<Role> roleOf(UUID projectId, UUID personId) {
        return pool.preparedQuery("SELECT role FROM gateway.membership WHERE project_id = $1 AND person_id = $2")
                .execute(Tuple.of(projectId, personId)).map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? Role.fromWireName(it.next().getString("role")) : null;
                });
    }

    /**
     * Gives the person these roles (project id or name → role) as single sign-on's claim says; a membership an admin
     * disabled stays disabled. Names matching several projects are skipped. Returns how many roles were applied.
     */
    public Uni<Integer> applyRoles(UUID personId, Map<String, Role> roles) {
        if (roles.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        String[] names = roles.keySet().toArray(String[]::new);
        return pool.preparedQuery("SELECT id::text AS id, name FROM gateway.project WHERE id::text = ANY($1)"
                + " OR name = ANY($1)").execute(Tuple.of(names)).flatMap(rows -> {
                    Map<String, List<UUID>> byReference = new LinkedHashMap<>();
                    for (Row row : rows) {
                        UUID id = UUID.fromString(row.getString("id"));
                        byReference.computeIfAbsent(row.getString("id"), k -> new ArrayList<>()).add(id);
                        byReference.computeIfAbsent(row.getString("name"), k -> new ArrayList<>()).add(id);
                    }
                    List<Tuple> grants = new ArrayList<>();
                    roles.forEach((reference, role) -> {
                        List<UUID> matches = byReference.getOrDefault(reference, List.of());
                        if (matches.size() == 1) {
                            grants.add(Tuple.of(personId, matches.get(0), role.wireName()));
                        }
                    });
                    if (grants.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return pool.preparedQuery("INSERT INTO gateway.membership (person_id, project_id, role, created_at)"
                            + " VALUES ($1, $2, $3, now()) ON CONFLICT (person_id, project_id)"
                            + " DO UPDATE SET role = EXCLUDED.role").executeBatch(grants).replaceWith(grants.size());
                });
    }

    // --- signing keys ---

    /** The named secret, created from {@code candidate} by whichever replica asks first. */
    public Uni<byte[]> signingKey(String name, byte[] candidate) {
        return pool.preparedQuery("INSERT INTO gateway.signing_key (name, secret, created_at) VALUES ($1, $2, now())"
                + " ON CONFLICT (name) DO NOTHING").execute(Tuple.of(name,
                        io.vertx.core.buffer.Buffer.buffer(candidate)))
                .flatMap(ignored -> pool.preparedQuery("SELECT secret FROM gateway.signing_key WHERE name = $1")
                        .execute(Tuple.of(name)))
                .map(rows -> rows.iterator().next().getBuffer("secret").getBytes());
    }

    private static final String INVITATIONS = "SELECT i.id, i.project_id, pr.name AS project_name, i.email, i.role,"
            + " i.invited_by, i.created_at, i.expires_at FROM gateway.invitation i"
            + " JOIN gateway.project pr ON pr.id = i.project_id"
            + " WHERE i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()";

    private static InvitationRow invitation(Row row) {
        return new InvitationRow(row.getUUID("id"), row.getUUID("project_id"), row.getString("project_name"),
                row.getString("email"), Role.fromWireName(row.getString("role")), row.getString("invited_by"),
                instant(row, "created_at"), instant(row, "expires_at"));
    }

    private static PersonRow firstPerson(RowSet<Row> rows) {
        Row row = firstRow(rows);
        return row == null ? null : person(row);
    }

    private static PersonRow person(Row row) {
        return new PersonRow(row.getUUID("id"), row.getString("email"), row.getString("name"),
                row.getString("password_hash"), instant(row, "disabled_at"));
    }
}
