package dev.flywheel.assignment.grpc;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import org.jboss.logging.Logger;

import com.google.protobuf.Struct;

import dev.flywheel.assignment.config.AssignmentConfig;
import dev.flywheel.assignment.exposure.ExposureTokens;
import dev.flywheel.assignment.exposure.Exposures;
import dev.flywheel.assignment.growthbook.GrowthBookPayloads;
import dev.flywheel.assignment.service.AssignmentService;
import dev.flywheel.assignment.service.ExperimentSnapshots;
import dev.flywheel.experiments.Assignment;
import dev.flywheel.experiments.Experiment;
import dev.flywheel.experiments.ExperimentDefinition;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.events.v1.ExposureProperties;
import dev.flywheel.proto.experiments.v1.AssignAllRequest;
import dev.flywheel.proto.experiments.v1.AssignAllResponse;
import dev.flywheel.proto.experiments.v1.AssignRequest;
import dev.flywheel.proto.experiments.v1.AssignResponse;
import dev.flywheel.proto.experiments.v1.AssignmentReason;
import dev.flywheel.proto.experiments.v1.ExperimentAssignmentService;
import dev.flywheel.proto.experiments.v1.GrowthBookFeaturesRequest;
import dev.flywheel.proto.experiments.v1.GrowthBookFeaturesResponse;
import dev.flywheel.proto.experiments.v1.RecordExposuresRequest;
import dev.flywheel.proto.experiments.v1.RecordExposuresResponse;
import dev.flywheel.service.auth.KeyAuthenticator;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.limits.InFlightLimiter;
import dev.flywheel.service.tenancy.Environments;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Assignment for backends (server keys) and, through the gateway, browsers (client keys). */
@GrpcService
public class ExperimentAssignmentGrpcService implements ExperimentAssignmentService {

    private static final Logger LOG = Logger.getLogger(ExperimentAssignmentGrpcService.class);
    private static final Set<KeyKind> ASSIGNING_KEYS = EnumSet.of(KeyKind.KEY_KIND_SERVER, KeyKind.KEY_KIND_CLIENT);
    private static final int MAX_URL = 8192;
    private static final int MAX_EXPOSURE_TOKENS = 100;

    private final KeyAuthenticator authenticator;
    private final ExperimentSnapshots snapshots;
    private final AssignmentService assignments;
    private final AssignmentConfig config;
    private final InFlightLimiter inFlight;
    private final ExposureTokens tokens;
    private final GrowthBookPayloads growthBook;

    public ExperimentAssignmentGrpcService(KeyAuthenticator authenticator, ExperimentSnapshots snapshots,
            AssignmentService assignments, AssignmentConfig config, ExposureTokens tokens,
            GrowthBookPayloads growthBook) {
        this.growthBook = growthBook;
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.snapshots = snapshots;
        this.assignments = assignments;
        this.config = config;
        this.inFlight = new InFlightLimiter(config.maxRequestsInFlight());
    }

    @Override
    public Uni<AssignResponse> assign(AssignRequest request) {
        String problem = !ExperimentDefinition.KEY.matcher(request.getExperimentKey()).matches()
                ? "experiment_key must be 1 to 128 letters, digits, '.', '_', ':' or '-'"
                : checkInput(request.getAttributes(), request.getUrl());
        boolean preview = !request.getEnvironment().isEmpty();
        Uni<ResolveKeyResponse> caller = preview
                ? previewer(request.getEnvironment(), problem != null || Environments.isName(request.getEnvironment())
                        ? problem
                        : Environments.NAME_RULE)
                : authenticated(problem);
        return inFlight.admit(1, () -> caller.flatMap(key -> snapshot(key).flatMap(snapshot -> {
            Experiment experiment = snapshot.experiments().get(request.getExperimentKey());
            if (experiment == null) {
                return Uni.createFrom().failure(Status.NOT_FOUND.withDescription("experiment '"
                        + request.getExperimentKey() + "' does not exist in "
                        + key.getScope().getEnvironment()).asRuntimeException());
            }
            if (preview) {
                return assignments.preview(key.getScope(), List.of(experiment), snapshot.holdout(),
                        ProtoValues.toMap(request.getAttributes()), request.getUrl().isEmpty()
                                ? null
                                : request
                                        .getUrl())
                        .map(list -> list.stream().map(a -> toProto(a).build()).toList());
            }
            return assign(key, List.of(experiment), snapshot, request.getAttributes(), request.getUrl(),
                    request.getDeferExposures());
        })), ExperimentAssignmentGrpcService::overloaded)
                .map(answers -> AssignResponse.newBuilder().setAssignment(answers.get(0)).build());
    }

    /** An admin key previewing in one environment of its project: the key's scope narrowed to it. */
    private Uni<ResolveKeyResponse> previewer(String environment, String problem) {
        return authenticator.authenticateCaller(EnumSet.of(KeyKind.KEY_KIND_ADMIN), "preview assignments")
                .flatMap(key -> problem == null
                        ? Uni.createFrom().item(key.toBuilder().setScope(key.getScope().toBuilder()
                                .setEnvironment(environment)).build())
                        : invalid(problem));
    }

    @Override
    public Uni<AssignAllResponse> assignAll(AssignAllRequest request) {
        Uni<ResolveKeyResponse> caller = authenticated(checkInput(request.getAttributes(), request.getUrl()));
        return inFlight.admit(1, () -> caller.flatMap(
                key -> snapshot(key).flatMap(snapshot -> assign(key, snapshot.active(), snapshot,
                        request.getAttributes(), request.getUrl(), request.getDeferExposures()))),
                ExperimentAssignmentGrpcService::overloaded)
                .map(answers -> AssignAllResponse.newBuilder().addAllAssignments(answers).build());
    }

    @Override
    public Uni<RecordExposuresResponse> recordExposures(RecordExposuresRequest request) {
        int count = request.getExposureTokensCount();
        Uni<ResolveKeyResponse> caller = authenticated(count == 0
                ? "exposure_tokens is empty"
                : count > MAX_EXPOSURE_TOKENS
                        ? "at most " + MAX_EXPOSURE_TOKENS + " exposure_tokens per request"
                        : null);
        return inFlight.admit(1, () -> caller.flatMap(key -> signingKey().flatMap(signing -> {
            long now = System.currentTimeMillis();
            List<ExposureProperties> shown = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                try {
                    shown.add(tokens.verify(signing, request.getExposureTokens(i), key.getScope(), now));
                } catch (IllegalArgumentException invalid) {
                    return invalid("exposure_tokens[" + i + "] " + invalid.getMessage());
                }
            }
            return assignments.recordExposures(key.getScope(), shown);
        })), ExperimentAssignmentGrpcService::overloaded)
                .map(done -> RecordExposuresResponse.newBuilder().setAccepted(count).build());
    }

    private Uni<SecretKeySpec> signingKey() {
        return tokens.key().onFailure().transform(failure -> {
            LOG.warnf("The exposure token key could not be loaded: %s", failure.toString());
            return Status.UNAVAILABLE.withDescription("exposure tokens cannot be checked right now; retry")
                    .asRuntimeException();
        });
    }

    /**
     * The caller, then the input's problem if it has one: who is asking comes first, so an unauthenticated caller
     * learns nothing, not even what its input lacks.
     */
    @Override
    public Multi<GrowthBookFeaturesResponse> growthBookFeatures(GrowthBookFeaturesRequest request) {
        String environment = request.getEnvironment();
        Uni<ResolveKeyResponse> caller = environment.isEmpty()
                ? authenticated(null)
                : previewer(environment, Environments.isName(environment) ? null : Environments.NAME_RULE);
        return caller.onItem().transformToMulti(key -> request.getWatch()
                ? snapshots.watch(key.getScope().getProjectId(), key.getScope().getEnvironment(), key.getKeyId())
                : snapshot(key).toMulti())
                .map(growthBook::of);
    }

    private Uni<ResolveKeyResponse> authenticated(String problem) {
        return authenticator.authenticateCaller(ASSIGNING_KEYS, "assign users to experiments")
                .flatMap(key -> problem == null ? Uni.createFrom().item(key) : invalid(problem));
    }

    private Uni<ExperimentSnapshots.Snapshot> snapshot(ResolveKeyResponse key) {
        return snapshots.get(key.getScope().getProjectId(), key.getScope().getEnvironment())
                .onFailure().transform(failure -> {
                    LOG.warnf("Experiments of %s/%s could not be loaded: %s", key.getScope().getProjectId(),
                            key.getScope().getEnvironment(), failure.toString());
                    return Status.UNAVAILABLE.withDescription("experiments are not available yet; retry")
                            .asRuntimeException();
                });
    }

    private Uni<List<dev.flywheel.proto.experiments.v1.Assignment>> assign(ResolveKeyResponse key,
            List<Experiment> experiments, ExperimentSnapshots.Snapshot snapshot, Struct attributes, String url,
            boolean deferExposures) {
        Map<String, Object> user = ProtoValues.toMap(attributes);
        Uni<List<Assignment>> answers = assignments.assign(key.getScope(), experiments, snapshot.holdout(), user,
                url.isEmpty() ? null : url, !deferExposures)
                .onFailure(failure -> !(failure instanceof StatusRuntimeException)).transform(failure -> {
                    LOG.warnf("Assignment state unavailable: %s", failure.toString());
                    return Status.UNAVAILABLE.withDescription("sticky bucket storage is unavailable; retry")
                            .asRuntimeException();
                });
        if (!deferExposures) {
            return answers.map(list -> list.stream().map(a -> toProto(a).build()).toList());
        }
        return answers.flatMap(list -> signingKey().map(signing -> {
            long now = System.currentTimeMillis();
            List<dev.flywheel.proto.experiments.v1.Assignment> signed = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                Assignment answer = list.get(i);
                var proto = toProto(answer);
                if (answer.exposure()) {
                    ExperimentDefinition def = experiments.get(i).definition();
                    proto.setExposureToken(tokens.issue(signing, key.getScope(),
                            Exposures.properties(answer, def.bucketVersion(), def.weights()), now));
                }
                signed.add(proto.build());
            }
            return signed;
        }));
    }

    private String checkInput(Struct attributes, String url) {
        if (attributes.getSerializedSize() > config.maxAttributesBytes()) {
            return "attributes take " + attributes.getSerializedSize() + " bytes; at most "
                    + config.maxAttributesBytes() + " are accepted";
        }
        if (url.length() > MAX_URL) {
            return "url is longer than " + MAX_URL + " characters";
        }
        return null;
    }

    private static StatusRuntimeException overloaded() {
        return Status.RESOURCE_EXHAUSTED.withDescription("too many assignments in progress; retry shortly")
                .asRuntimeException();
    }

    private static <T> Uni<T> invalid(String message) {
        return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException());
    }

    static dev.flywheel.proto.experiments.v1.Assignment.Builder toProto(Assignment a) {
        dev.flywheel.proto.experiments.v1.Assignment.Builder proto = dev.flywheel.proto.experiments.v1.Assignment
                .newBuilder()
                .setExperimentKey(a.experimentKey())
                .setInExperiment(a.inExperiment())
                .setHashUsed(a.hashUsed())
                .setVariationIndex(a.variationIndex())
                .setValue(ProtoValues.toValue(a.value()))
                .setHashAttribute(a.hashAttribute())
                .setHashValue(a.hashValue())
                .setBucket(a.bucket())
                .setStickyBucketUsed(a.stickyBucketUsed())
                .setReason(AssignmentReason.valueOf("ASSIGNMENT_REASON_" + a.reason().name()));
        if (a.variationKey() != null) {
            proto.setVariationKey(a.variationKey());
        }
        return proto;
    }
}
