package dev.flywheel.assignment.repository;

import java.security.SecureRandom;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The one key that signs exposure tokens: stored by the first replica that needs it, read by the rest. */
@ApplicationScoped
public class ExposureTokenKeyStore {

    private static final String STORE_ONCE = """
            INSERT INTO experiment_assignment.exposure_token_key (id, secret) VALUES (1, $1)
            ON CONFLICT (id) DO NOTHING""";
    private static final String READ = "SELECT secret FROM experiment_assignment.exposure_token_key WHERE id = 1";

    private static final int KEY_BYTES = 32;

    private final Pool pool;
    private final SecureRandom random = new SecureRandom();

    public ExposureTokenKeyStore(Pool pool) {
        this.pool = pool;
    }

    /** The stored key, storing a new random one first when there is none. */
    public Uni<byte[]> key() {
        byte[] candidate = new byte[KEY_BYTES];
        random.nextBytes(candidate);
        return pool.preparedQuery(STORE_ONCE).execute(Tuple.of(Buffer.buffer(candidate)))
                .chain(() -> pool.preparedQuery(READ).execute())
                .map(rows -> rows.iterator().next().getBuffer("secret").getBytes());
    }
}
