package dev.flywheel.testsupport;

import java.util.concurrent.TimeUnit;

import dev.flywheel.proto.common.v1.KeyKind;
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

    /** The stub presenting this key as real callers do ("authorization: Bearer"), with a 30 s deadline. */
    public <S extends AbstractStub<S>> S on(S stub) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}
