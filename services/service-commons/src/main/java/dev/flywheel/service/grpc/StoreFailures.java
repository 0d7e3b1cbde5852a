package dev.flywheel.service.grpc;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * The gRPC status of a failure, once for every service: a {@link RefusedRequest} has its own; a value the request
 * carried that PostgreSQL cannot hold or compare (SQLSTATE class 22: a NUL character, a number out of range) is the
 * caller's INVALID_ARGUMENT; PostgreSQL failing or unreachable is UNAVAILABLE, worth a retry; anything else is a bug
 * of ours: INTERNAL, logged here, and never described to the caller (an exception's message may quote SQL).
 */
public final class StoreFailures {

    private static final Logger LOG = Logger.getLogger(StoreFailures.class);
    private static final String DATA_EXCEPTION = "22";

    private StoreFailures() {
    }

    /**
     * Whether PostgreSQL refused a value of the request, rather than failing itself (seen directly from the Vert.x
     * client, or as Hibernate Reactive converts it: a SQLException with the same SQLSTATE).
     */
    public static boolean refusedInput(Throwable failure) {
        PgException pg = find(failure, PgException.class);
        SQLException sql = find(failure, SQLException.class);
        String state = pg != null ? pg.getSqlState() : sql != null ? sql.getSQLState() : null;
        return state != null && state.startsWith(DATA_EXCEPTION);
    }

    /** Whether the store failed or could not be reached (a retry may succeed). */
    public static boolean storeUnavailable(Throwable failure) {
        return !refusedInput(failure) && (find(failure, PgException.class) != null
                || find(failure, SQLException.class) != null
                || find(failure, ClosedConnectionException.class) != null || find(failure, IOException.class) != null
                || find(failure, TimeoutException.class) != null
                || find(failure, io.smallrye.mutiny.TimeoutException.class) != null
                || find(failure, io.vertx.core.VertxException.class) != null);
    }

    /**
     * @param store
     *            what is unavailable, for the caller: "the event store", "feedback storage"
     */
    public static StatusRuntimeException toStatus(Throwable failure, String store) {
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        if (failure instanceof RefusedRequest refused) {
            return refused.toStatus();
        }
        if (refusedInput(failure)) {
            return Status.INVALID_ARGUMENT.withDescription(refusedInputDetail(failure)).asRuntimeException();
        }
        if (storeUnavailable(failure)) {
            LOG.warnf("%s is unavailable: %s", store, failure.toString());
            return Status.UNAVAILABLE.withDescription(store + " is unavailable; retry").asRuntimeException();
        }
        LOG.errorf(failure, "Unexpected failure");
        return Status.INTERNAL.withDescription("internal error; the service logged it").asRuntimeException();
    }

    /** For a {@link #refusedInput} failure: PostgreSQL's own words, never the statement. */
    public static String refusedInputDetail(Throwable failure) {
        return "a value in the request cannot be stored or compared: " + detail(failure);
    }

    /** PostgreSQL's own words ("invalid byte sequence for encoding \"UTF8\": 0x00"), never the statement. */
    private static String detail(Throwable failure) {
        PgException pg = find(failure, PgException.class);
        if (pg != null) {
            return pg.getErrorMessage();
        }
        String message = find(failure, SQLException.class).getMessage();
        int statement = message == null ? -1 : message.indexOf(" [");
        return message == null ? "" : statement > 0 ? message.substring(0, statement) : message;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }
}
