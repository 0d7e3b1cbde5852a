package dev.flywheel.gateway.audit;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.flywheel.gateway.caller.Caller;
import io.smallrye.mutiny.Uni;

/**
 * Records a change the gateway made to a project, naming who made it. Called after the change is stored: an entry
 * that cannot be written is logged as an error rather than failing a change that already happened.
 */
@ApplicationScoped
public class ProjectAudit {

    private static final Logger LOG = Logger.getLogger(ProjectAudit.class);

    private final ProjectAuditStore store;

    public ProjectAudit(ProjectAuditStore store) {
        this.store = store;
    }

    /** An entry's detail from name, value pairs; null values are left out, others written as their text. */
    public static Map<String, ?> details(Object... namesAndValues) {
        Map<String, Object> detail = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            if (value != null) {
                detail.put((String) namesAndValues[i], value instanceof Collection<?> list
                        ? list.stream().map(String::valueOf).toList()
                        : value instanceof Number || value instanceof Boolean ? value : String.valueOf(value));
            }
        }
        return detail;
    }

    /** The change, then its entry naming the caller; {@code target} and {@code detail} read the change's result. */
    public <T> Uni<T> after(Uni<T> change, UUID projectId, Caller caller, String action,
            Function<? super T, String> target, Function<? super T, Map<String, ?>> detail) {
        return after(change, projectId, caller.actor(), action, target, detail);
    }

    public <T> Uni<T> after(Uni<T> change, UUID projectId, String actor, String action,
            Function<? super T, String> target, Function<? super T, Map<String, ?>> detail) {
        return change.call(done -> store.append(projectId, actor, action, target.apply(done), detail.apply(done))
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "audit entry lost: %s %s in project %s", actor, action, projectId);
                    return null;
                }));
    }
}
