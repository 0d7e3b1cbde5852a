package dev.flywheel.gateway.people.service;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.audit.ProjectAudit;
import dev.flywheel.gateway.caller.Caller;
import dev.flywheel.gateway.caller.Person;
import dev.flywheel.gateway.caller.Role;
import dev.flywheel.gateway.config.ConsoleConfig;
import dev.flywheel.gateway.keys.service.ApiKeyTokens;
import dev.flywheel.gateway.people.store.PeopleStore;
import dev.flywheel.gateway.people.store.PeopleStore.InvitationRow;
import dev.flywheel.gateway.people.store.PeopleStore.MemberRow;
import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;

/**
 * People and their sessions (ADR 0011): sign-in and sign-out, the first owner's setup, invitations, members and
 * roles, password changes. Password hashing is slow on purpose, so it runs on worker threads.
 */
@ApplicationScoped
public class PeopleService {

    private static final String WRONG_CREDENTIALS = "The email or password is wrong";

    /** A setup or invitation link's secret, shown once. */
    public record IssuedToken(String token, Instant expiresAt) {
    }

    public record IssuedInvitation(InvitationRow invitation, String token) {
    }

    /** What an invitation link shows before it is accepted. */
    public record InvitationPreview(InvitationRow invitation, boolean accountExists) {
    }

    private final PeopleStore store;
    private final SessionStore sessions;
    private final SignInThrottle throttle;
    private final ConsoleConfig config;
    private final ExecutorService hashing;
    private final ProjectAudit audit;

    public PeopleService(PeopleStore store, SessionStore sessions, SignInThrottle throttle, ConsoleConfig config,
            ProjectAudit audit) {
        this.audit = audit;
        this.store = store;
        this.sessions = sessions;
        this.throttle = throttle;
        this.config = config;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.hashing = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.passwordHashQueue()), runnable -> {
                    Thread thread = new Thread(runnable, "password-hashing");
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** The signed-in person behind a session cookie, or null when the session has ended or they are disabled. */
    public Uni<Caller> authenticate(String sessionId) {
        return sessions.touch(sessionId).flatMap(session -> session == null
                ? Uni.createFrom().nullItem()
                : store.findWithRoles(session.personId()).map(found -> found == null
                        || found.person().disabledAt() != null
                                ? null
                                : Caller.of(new Person(found.person().id(), found.person().email(),
                                        found.person().name(), found.roles(), SessionStore.hashOf(sessionId),
                                        session.csrfToken()))));
    }

    public Uni<SessionStore.Opened> signIn(String email, String password, String address) {
        return throttle.admit(email, address)
                .flatMap(ignored -> store.findByEmail(email))
                .flatMap(person -> blocking(() -> PasswordHasher.verify(password,
                        person == null ? null : person.passwordHash()) && person != null).flatMap(matches -> {
                            if (!matches) {
                                return throttle.failed(email).flatMap(failed -> Uni.createFrom().failure(
                                        new ApiException(ApiError.UNAUTHENTICATED, WRONG_CREDENTIALS)));
                            }
                            if (person.disabledAt() != null) {
                                return Uni.createFrom().failure(ApiException.forbidden("This account is disabled"));
                            }
                            return throttle.succeeded(email).flatMap(done -> sessions.open(person.id()));
                        }));
    }

    public Uni<Void> signOut(Person person) {
        return sessions.close(person.sessionHash());
    }

    public Uni<Void> signOutEverywhere(Person person) {
        return sessions.closeAll(person.id());
    }

    /** Changes the person's password: every session ends, and a new one is returned for this browser. */
    public Uni<SessionStore.Opened> changePassword(Person person, String current, String replacement) {
        checkPassword("newPassword", replacement);
        return store.findByEmail(person.email()).flatMap(stored -> blocking(() -> PasswordHasher.verify(current,
                stored.passwordHash()) ? PasswordHasher.hash(replacement) : null))
                .flatMap(hash -> {
                    if (hash == null) {
                        throw ApiException.invalid("currentPassword", "is not your current password");
                    }
                    return store.setPassword(person.id(), hash);
                })
                .flatMap(changed -> sessions.closeAll(person.id()))
                .flatMap(closed -> sessions.open(person.id()));
    }

    /**
     * Signs in a person the identity provider vouched for: found by email or created without a password, their roles
     * set from the provider's claim ("<project id or name>:<role>"; others ignored).
     */
    public Uni<SessionStore.Opened> ssoSignIn(String email, String name, List<String> roleClaims) {
        Map<String, Role> roles = new LinkedHashMap<>();
        for (String claim : roleClaims) {
            int colon = claim.lastIndexOf(':');
            Role role = colon < 1 ? null : Role.fromWireName(claim.substring(colon + 1).trim());
            if (role != null) {
                roles.put(claim.substring(0, colon).trim(), role);
            }
        }
        return store.findByEmail(email).flatMap(found -> {
            if (found != null && found.disabledAt() != null) {
                throw ApiException.forbidden("This account is disabled");
            }
            return found != null
                    ? Uni.createFrom().item(found.id())
                    : store.createPerson(email, name, null).onFailure(PeopleStore.EmailTaken.class)
                            .recoverWithUni(() -> store.findByEmail(email).map(PeopleStore.PersonRow::id));
        }).call(id -> store.applyRoles(id, roles)).flatMap(sessions::open);
    }

    // --- the first owner ---

    public Uni<Boolean> setupNeeded() {
        return store.anyoneSignedUp().map(anyone -> !anyone);
    }

    /** A one-time link for the first owner; 409 once someone has signed up. */
    public Uni<IssuedToken> issueSetupToken() {
        return store.anyoneSignedUp().flatMap(anyone -> {
            if (anyone) {
                throw new ApiException(ApiError.STATE_CONFLICT,
                        "Someone has signed up already: further people join by invitation");
            }
            String token = SessionStore.randomToken();
            Instant expiresAt = Instant.now().plus(config.setupTokenLifetime());
            return store.saveSetupToken(ApiKeyTokens.hash(token), expiresAt).replaceWith(new IssuedToken(token,
                    expiresAt));
        });
    }

    public Uni<SessionStore.Opened> setUp(String token, String email, String name, String password) {
        checkPassword("password", password);
        return blocking(() -> PasswordHasher.hash(password))
                .flatMap(hash -> store.createFirstOwner(ApiKeyTokens.hash(token), email, name, hash))
                .onFailure(PeopleStore.EmailTaken.class).transform(taken -> ApiException.conflict(
                        "A person with this email exists"))
                .flatMap(id -> {
                    if (id == null) {
                        throw new ApiException(ApiError.NOT_FOUND,
                                "The setup link is unknown, used or expired; ask the operator for a new one");
                    }
                    return sessions.open(id);
                });
    }

    // --- invitations ---

    public Uni<IssuedInvitation> invite(Caller inviter, UUID projectId, String email, Role role) {
        if (role == Role.OWNER) {
            inviter.requireRole(projectId, Role.OWNER);
        }
        String token = SessionStore.randomToken();
        return store.saveInvitation(projectId, email, role, ApiKeyTokens.hash(token), inviter.actor(),
                Instant.now().plus(config.invitationLifetime()))
                .map(saved -> new IssuedInvitation(saved, token));
    }

    public Uni<InvitationPreview> previewInvitation(String token) {
        return pendingInvitation(token).flatMap(invitation -> store.findByEmail(invitation.email())
                .map(person -> new InvitationPreview(invitation, person != null)));
    }

    /**
     * Accepts an invitation: a new person sets their name and password; someone with an account proves it with
     * their password (throttled like a sign-in). Either way they are signed in.
     */
    public Uni<SessionStore.Opened> accept(String token, String name, String password, String address) {
        String tokenHash = ApiKeyTokens.hash(token);
        return pendingInvitation(token).flatMap(invitation -> audit.after(acceptPending(invitation, tokenHash, name,
                password, address), invitation.projectId(), "person:" + invitation.email(), "invitation.accepted",
                session -> "invitation:" + invitation.id(), session -> ProjectAudit.details("role", invitation.role()
                        .wireName())));
    }

    private Uni<SessionStore.Opened> acceptPending(InvitationRow invitation, String tokenHash, String name,
            String password, String address) {
        return store.findByEmail(invitation.email())
                .flatMap(existing -> {
                    if (existing != null) {
                        return signIn(invitation.email(), password, address)
                                .call(session -> store.acceptInvitation(tokenHash, existing.id(), null, null));
                    }
                    if (name == null || name.isBlank()) {
                        throw ApiException.invalid("name", "is required to create your account");
                    }
                    checkPassword("password", password);
                    return blocking(() -> PasswordHasher.hash(password))
                            .flatMap(hash -> store.acceptInvitation(tokenHash, null, name.strip(), hash))
                            .onFailure(PeopleStore.EmailTaken.class).transform(taken -> ApiException.conflict(
                                    "A person with this email exists; accept the invitation with their password"))
                            .flatMap(id -> {
                                if (id == null) {
                                    throw invitationGone();
                                }
                                return sessions.open(id);
                            });
                });
    }

    public Uni<List<InvitationRow>> invitations(UUID projectId) {
        return store.pendingInvitations(projectId);
    }

    public Uni<Boolean> revokeInvitation(UUID projectId, UUID invitationId) {
        return store.revokeInvitation(projectId, invitationId);
    }

    private Uni<InvitationRow> pendingInvitation(String token) {
        return store.findPendingInvitation(ApiKeyTokens.hash(token)).map(found -> {
            if (found == null) {
                throw invitationGone();
            }
            return found;
        });
    }

    private static ApiException invitationGone() {
        return new ApiException(ApiError.NOT_FOUND,
                "The invitation is unknown, accepted, revoked or expired; ask for a new one");
    }

    // --- members ---

    public Uni<List<MemberRow>> members(UUID projectId) {
        return store.members(projectId);
    }

    /**
     * Changes a member's role or disables (re-enables) them. The owner role is given and taken by owners only, and a
     * project always keeps an active owner.
     */
    public Uni<Void> updateMember(Caller caller, UUID projectId, UUID personId, Role role, Boolean disabled) {
        return store.roleOf(projectId, personId).flatMap(current -> {
            if (current == null) {
                throw ApiException.notFound("Member");
            }
            if (current == Role.OWNER || role == Role.OWNER) {
                caller.requireRole(projectId, Role.OWNER);
            }
            return store.updateMember(projectId, personId, role, disabled);
        }).map(updated -> {
            if (updated == null) {
                throw ApiException.notFound("Member");
            }
            if (!updated) {
                throw new ApiException(ApiError.STATE_CONFLICT, "A project keeps at least one active owner");
            }
            return null;
        });
    }

    private void checkPassword(String field, String password) {
        if (password == null || password.length() < config.minimumPasswordLength()) {
            throw ApiException.invalid(field, "must be at least " + config.minimumPasswordLength() + " characters");
        }
        if (password.length() > 256) {
            throw ApiException.invalid(field, "must be at most 256 characters");
        }
    }

    /**
     * Runs a password hash on the hashing workers: one per core, since each Argon2id hash holds 19 MiB and a core
     * for ~30 ms; a burst of sign-ins waits in a bounded queue, and past it is refused (503 + Retry-After) rather than
     * exhausting the heap.
     */
    private <T> Uni<T> blocking(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(hashing)
                .onFailure(RejectedExecutionException.class).transform(busy -> ApiException.retryLater(
                        ApiError.UNAVAILABLE, "Too many sign-ins at once; retry shortly", 1));
    }

    @PreDestroy
    void stopHashing() {
        hashing.shutdownNow();
    }
}
