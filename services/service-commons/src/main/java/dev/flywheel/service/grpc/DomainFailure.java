package dev.flywheel.service.grpc;

import io.grpc.StatusRuntimeException;

/** A domain outcome that knows its own gRPC status (a conflict, a missing definition), not a failure of the store. */
public interface DomainFailure {

    StatusRuntimeException toStatus();
}
