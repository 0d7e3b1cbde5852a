package dev.flywheel.testsupport;

import java.util.concurrent.TimeUnit;

import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.common.v1.Scope;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

/** The API keys {@link KeyDirectoryResource} knows: two projects, each with client, server and admin keys. */
public enum TestKeys {
    SERVER_A("fw_server_testAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", KeyKind.KEY_KIND_SERVER, "project-a",
            "production"), CLIENT_A("fw_client_testAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", KeyKind.KEY_KIND_CLIENT,
                    "project-a", "production"), SERVER_A_STAGING("fw_server_testAstagingAAAAAAAAAAAAAAAAAAAAAA",
                            KeyKind.KEY_KIND_SERVER, "project-a",
                            "staging"), ADMIN_A("fw_admin_testAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", KeyKind.KEY_KIND_ADMIN,
                                    "project-a", ""), SERVER_B("fw_server_testBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                                            KeyKind.KEY_KIND_SERVER, "project-b",
                                            "production"), ADMIN_B("fw_admin_testBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                                                    KeyKind.KEY_KIND_ADMIN, "project-b", "");

    public final String key;
    public final KeyKind kind;
    public final String projectId;
    public final String environment;

    TestKeys(String key, KeyKind kind, String projectId, String environment) {
        this.key = key;
        this.kind = kind;
        this.projectId = projectId;
        this.environment = environment;
    }

    private static final String PER_PROJECT = "_for_";

    /** A server key of {@code project}'s production environment, so a test can keep its data apart from others'. */
    public static String serverKeyOf(String project) {
        return "fw_server" + PER_PROJECT + project;
    }

    /** A client key of {@code project}'s production environment. */
    public static String clientKeyOf(String project) {
        return "fw_client" + PER_PROJECT + project;
    }

    /** What the test key directory answers for a key made by {@link #serverKeyOf} or {@link #clientKeyOf}. */
    static ResolveKeyResponse resolvePerProject(String key) {
        int marker = key.indexOf(PER_PROJECT);
        if (marker < 0) {
            return null;
        }
        KeyKind kind = switch (key.substring(0, marker)) {
            case "fw_server" -> KeyKind.KEY_KIND_SERVER;
            case "fw_client" -> KeyKind.KEY_KIND_CLIENT;
            default -> null;
        };
        String project = key.substring(marker + PER_PROJECT.length());
        if (kind == null || project.isEmpty()) {
            return null;
        }
        return ResolveKeyResponse.newBuilder().setKeyId(key).setKind(kind)
                .setScope(Scope.newBuilder().setOrganisationId("organisation").setProjectId(project)
                        .setEnvironmentId("production").setEnvironment("production"))
                .build();
    }

    /** The stub presenting {@code key} as real callers do ("authorization: Bearer"), with a 30 s deadline. */
    public static <S extends AbstractStub<S>> S presenting(S stub, String key) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The stub presenting this key as real callers do ("authorization: Bearer"), with a 30 s deadline. */
    public <S extends AbstractStub<S>> S on(S stub) {
        return presenting(stub, key);
    }
}
