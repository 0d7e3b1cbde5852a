package dev.flywheel.assignment;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;

import com.google.protobuf.Struct;

import dev.flywheel.proto.experiments.v1.ChangeStatusRequest;
import dev.flywheel.proto.experiments.v1.ExperimentAdminServiceGrpc;
import dev.flywheel.proto.experiments.v1.ExperimentAdminServiceGrpc.ExperimentAdminServiceBlockingStub;
import dev.flywheel.proto.experiments.v1.ExperimentAssignmentServiceGrpc;
import dev.flywheel.proto.experiments.v1.ExperimentAssignmentServiceGrpc.ExperimentAssignmentServiceBlockingStub;
import dev.flywheel.proto.experiments.v1.ExperimentRecord;
import dev.flywheel.proto.experiments.v1.ExperimentStatus;
import dev.flywheel.proto.experiments.v1.PutExperimentRequest;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/** A channel to the service under test, and stubs presenting a key the way real callers do. */
final class AssignmentGrpc implements AutoCloseable {

    final ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost",
            ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class)).usePlaintext()
            .build();

    ExperimentAdminServiceBlockingStub admin(TestKeys key) {
        return key.on(ExperimentAdminServiceGrpc.newBlockingStub(channel));
    }

    ExperimentAssignmentServiceBlockingStub assigner(TestKeys key) {
        return key.on(ExperimentAssignmentServiceGrpc.newBlockingStub(channel));
    }

    ExperimentAssignmentServiceBlockingStub anonymousAssigner() {
        return ExperimentAssignmentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /** Creates (or replaces) an experiment and starts it. */
    ExperimentRecord running(TestKeys admin, String environment, String key, String definition) {
        admin(admin).putExperiment(PutExperimentRequest.newBuilder().setEnvironment(environment).setKey(key)
                .setDefinitionJson(definition).build());
        return admin(admin).changeStatus(ChangeStatusRequest.newBuilder().setEnvironment(environment).setKey(key)
                .setStatus(ExperimentStatus.EXPERIMENT_STATUS_RUNNING).build());
    }

    static Struct attributes(Map<String, Object> attributes) {
        return ProtoValues.toStruct(attributes);
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
