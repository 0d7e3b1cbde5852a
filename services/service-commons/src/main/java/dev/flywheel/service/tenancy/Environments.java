package dev.flywheel.service.tenancy;

import java.util.regex.Pattern;

import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.common.v1.Scope;
import io.grpc.Status;

/** Which environment a call acts in, by one rule for the gateway and every service. */
public final class Environments {

    /** An environment's name, as the gateway creates them: lower-case letters, digits and dashes, 1 to 63. */
    public static final String NAME_PATTERN = "[a-z0-9][a-z0-9-]{0,62}";
    /** What a caller is told when a name breaks the rule. */
    public static final String NAME_RULE = "environment must be a name like 'production' (lower-case letters, "
            + "digits and '-', at most 63)";

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

    private Environments() {
    }

    public static boolean isName(String environment) {
        return environment != null && NAME.matcher(environment).matches();
    }

    /**
     * The scope a reader reads: an admin key names the environment; a server key reads its own, and naming another
     * is PERMISSION_DENIED. A malformed name is INVALID_ARGUMENT.
     */
    public static Scope readerScope(ResolveKeyResponse key, String requested) {
        String own = key.getScope().getEnvironment();
        if (key.getKind() == KeyKind.KEY_KIND_SERVER) {
            if (!requested.isEmpty() && !requested.equals(own)) {
                throw Status.PERMISSION_DENIED.withDescription("a server key of '" + own + "' may not read '"
                        + requested + "'").asRuntimeException();
            }
            return scope(key, own);
        }
        if (!isName(requested)) {
            throw Status.INVALID_ARGUMENT.withDescription(NAME_RULE).asRuntimeException();
        }
        return scope(key, requested);
    }

    private static Scope scope(ResolveKeyResponse key, String environment) {
        return Scope.newBuilder().setProjectId(key.getScope().getProjectId()).setEnvironment(environment).build();
    }
}
