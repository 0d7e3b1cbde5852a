package dev.flywheel.gateway.analytics.client;

import static dev.flywheel.gateway.upstream.ServiceCalls.as;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.problem.GrpcProblems;
import dev.flywheel.proto.analytics.v1.MutinyBoardsServiceGrpc.MutinyBoardsServiceStub;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;

/** The metrics-aggregator's saved insights and dashboards, called with the caller's (or a delegated) key. */
@ApplicationScoped
public class BoardsClient {

    private final MutinyBoardsServiceStub boards;

    public BoardsClient(@GrpcClient("metrics-aggregator") MutinyBoardsServiceStub boards) {
        this.boards = boards;
    }

    /** One call on the stub, with the key; a refusal becomes the problem it means. */
    public <R> Uni<R> call(String key, Function<MutinyBoardsServiceStub, Uni<R>> call) {
        return call.apply(as(boards, key)).onFailure().transform(failure -> GrpcProblems.toApiException(failure,
                "analytics"));
    }
}
