package dev.flywheel.service.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.common.v1.Scope;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

class EnvironmentsTest {

    private static ResolveKeyResponse key(KeyKind kind, String environment) {
        return ResolveKeyResponse.newBuilder().setKind(kind).setScope(Scope.newBuilder().setProjectId("p")
                .setOrganisationId("o").setEnvironment(environment)).build();
    }

    @Test
    void theNameRuleIsTheGatewaysOwn() {
        for (String good : new String[]{"production", "a", "eu-west-1", "0", "a".repeat(63)}) {
            assertTrue(Environments.isName(good), good);
        }
        for (String bad : new String[]{null, "", "-prod", "Prod", "prod_1", "pr od", "a".repeat(64), "prod\n"}) {
            assertFalse(Environments.isName(bad), String.valueOf(bad));
        }
    }

    @Test
    void anAdminKeyNamesTheEnvironmentAServerKeyReadsOnlyItsOwn() {
        assertEquals(Scope.newBuilder().setProjectId("p").setEnvironment("staging").build(),
                Environments.readerScope(key(KeyKind.KEY_KIND_ADMIN, ""), "staging"));
        assertEquals(Scope.newBuilder().setProjectId("p").setEnvironment("production").build(),
                Environments.readerScope(key(KeyKind.KEY_KIND_SERVER, "production"), ""));
        assertEquals("production",
                Environments.readerScope(key(KeyKind.KEY_KIND_SERVER, "production"), "production").getEnvironment());
        StatusRuntimeException other = assertThrows(StatusRuntimeException.class,
                () -> Environments.readerScope(key(KeyKind.KEY_KIND_SERVER, "production"), "staging"));
        assertEquals(Status.Code.PERMISSION_DENIED, other.getStatus().getCode());
        StatusRuntimeException malformed = assertThrows(StatusRuntimeException.class,
                () -> Environments.readerScope(key(KeyKind.KEY_KIND_ADMIN, ""), "Not An Env"));
        assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
        assertEquals(Environments.NAME_RULE, malformed.getStatus().getDescription());
    }
}
