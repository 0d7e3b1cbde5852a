package dev.flywheel.sdk;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.google.protobuf.Timestamp;

import dev.flywheel.experiments.Assigner;
import dev.flywheel.experiments.Assignment;
import dev.flywheel.experiments.Experiment;
import dev.flywheel.experiments.ExperimentDefinition;
import dev.flywheel.experiments.ExposureIdentity;
import dev.flywheel.experiments.StickyBuckets;
import dev.flywheel.experiments.UserContext;
import dev.flywheel.flags.ErrorCode;
import dev.flywheel.flags.FlagDocumentException;
import dev.flywheel.flags.FlagType;
import dev.flywheel.flags.Reason;
import dev.flywheel.flags.Resolution;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.proto.events.v1.IngestServiceGrpc;
import dev.flywheel.proto.experiments.v1.ExperimentSyncServiceGrpc;
import dev.flywheel.proto.experiments.v1.SyncExperimentsRequest;
import dev.flywheel.proto.flagd.sync.v1.FlagSyncServiceGrpc;
import dev.flywheel.proto.flagd.sync.v1.SyncFlagsRequest;
import dev.flywheel.proto.flagd.sync.v1.SyncFlagsResponse;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

/**
 * Flywheel in a backend's own process: the environment's flags and experiments, streamed from the platform and kept
 * current (a change arrives within a second), evaluated here by the engines the services use, so every answer is the
 * services' answer without a network hop. Exposures and tracked events are buffered and sent in batches. Nothing here
 * waits on the network on the caller's thread: before the first snapshot arrives (or is read from the snapshot file)
 * flags answer "not ready" and users are in no experiment.
 * <p>
 * One client per process and environment; it is thread-safe. Close it on shutdown to send what is buffered.
 */
public final class FlywheelClient implements AutoCloseable {

    static final String SDK = "flywheel-java/0.1.0";
    private static final Duration STICKY_LOAD_TIMEOUT = Duration.ofMillis(500);

    private final FlywheelOptions options;
    private final ScheduledExecutorService scheduler;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<SnapshotStream<?>> streams = new ArrayList<>();
    private final AtomicReference<FlagSnapshot> flags = new AtomicReference<>();
    private final AtomicReference<ExperimentSnapshot> experiments = new AtomicReference<>();
    private final CountDownLatch flagsReady;
    private final CountDownLatch experimentsReady;
    private final List<Consumer<Set<String>>> flagListeners = new CopyOnWriteArrayList<>();
    private final SnapshotFile file;
    private final EventSender events;

    private FlywheelClient(FlywheelOptions options) {
        this.options = options;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "flywheel-sdk");
            thread.setDaemon(true);
            return thread;
        });
        this.flagsReady = new CountDownLatch(options.flags ? 1 : 0);
        this.experimentsReady = new CountDownLatch(options.experiments ? 1 : 0);
        this.file = options.snapshotFile == null ? null : new SnapshotFile(options.snapshotFile);
        this.events = new EventSender(IngestServiceGrpc.newFutureStub(channel(options.eventsTarget)), scheduler,
                options);
    }

    /** Starts syncing; returns at once (see {@link #awaitReady} to wait for the first snapshots). */
    public static FlywheelClient start(FlywheelOptions options) {
        FlywheelClient client = new FlywheelClient(options);
        client.restoreSaved();
        if (options.flags) {
            FlagSyncServiceGrpc.FlagSyncServiceStub stub = FlagSyncServiceGrpc.newStub(
                    client.channel(options.flagsTarget));
            SyncFlagsRequest request = SyncFlagsRequest.newBuilder().setProviderId(SDK).build();
            client.streams.add(new SnapshotStream<SyncFlagsResponse>("flag sync",
                    observer -> stub.syncFlags(request, observer),
                    synced -> client.acceptFlags(synced.getFlagConfiguration(), true), options.problems,
                    client.scheduler, options.reconnectMin, options.reconnectMax));
        }
        if (options.experiments) {
            ExperimentSyncServiceGrpc.ExperimentSyncServiceStub stub = ExperimentSyncServiceGrpc.newStub(
                    client.channel(options.experimentsTarget));
            SyncExperimentsRequest request = SyncExperimentsRequest.newBuilder().setClient(SDK).build();
            client.streams.add(new SnapshotStream<dev.flywheel.proto.experiments.v1.ExperimentSnapshot>(
                    "experiment sync", observer -> stub.syncExperiments(request, observer),
                    synced -> client.acceptExperiments(synced, true), options.problems, client.scheduler,
                    options.reconnectMin, options.reconnectMax));
        }
        client.streams.forEach(SnapshotStream::start);
        return client;
    }

    /**
     * Waits until every synced part has a snapshot (from the platform or the snapshot file). The one call that may
     * block: for start-up, never on a request path.
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return flagsReady.await(timeout.toNanos(), TimeUnit.NANOSECONDS)
                && experimentsReady.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Whether every synced part has a snapshot. */
    public boolean ready() {
        return flagsReady.getCount() == 0 && experimentsReady.getCount() == 0;
    }

    // ---- flags

    /**
     * A flag for a context (the OpenFeature evaluation context's attributes, "targetingKey" included), exactly as the
     * feature-flags service resolves it.
     */
    public Resolution evaluate(String flagKey, FlagType type, Map<String, ?> context) {
        FlagSnapshot snapshot = flags.get();
        if (snapshot == null) {
            return new Resolution(flagKey, null, null, Reason.ERROR, ErrorCode.GENERAL,
                    "no flag snapshot yet (Flywheel not reached)", Map.of());
        }
        return snapshot.flags().resolve(flagKey, type, Values.normalize(context), nowSeconds());
    }

    /** Every flag for a context. */
    public List<Resolution> evaluateAll(Map<String, ?> context) {
        FlagSnapshot snapshot = flags.get();
        return snapshot == null ? List.of() : snapshot.flags().resolveAll(Values.normalize(context), nowSeconds());
    }

    /** The flag set's metadata (flagSetId and the like), empty before the first snapshot. */
    public Map<String, Object> flagSetMetadata() {
        FlagSnapshot snapshot = flags.get();
        return snapshot == null ? Map.of() : snapshot.flags().metadata();
    }

    /** Told the keys of the flags that changed, after each new flag snapshot. */
    public void onFlagsChanged(Consumer<Set<String>> listener) {
        flagListeners.add(listener);
    }

    // ---- experiments

    /**
     * One experiment for a user, as the assignment service's Assign answers; empty when the environment has no such
     * experiment (or no snapshot arrived yet). Sticky buckets come from what the store holds in this process.
     */
    public Optional<Assignment> assign(String experimentKey, Map<String, ?> attributes) {
        ExperimentSnapshot snapshot = experiments.get();
        Experiment experiment = snapshot == null ? null : snapshot.set().experiments().get(experimentKey);
        return experiment == null
                ? Optional.empty()
                : Optional.of(assign(snapshot, List.of(experiment), user(attributes)).get(0));
    }

    /** Every running experiment (and stopped one with a released winner) for a user, as AssignAll answers. */
    public List<Assignment> assignAll(Map<String, ?> attributes) {
        ExperimentSnapshot snapshot = experiments.get();
        return snapshot == null ? List.of() : assign(snapshot, snapshot.set().active(), user(attributes));
    }

    /**
     * {@link #assignAll}, after loading the user's sticky buckets from a shared store (at most half a second, as the
     * service waits for Redis): the same answers as the service's with a store it shares.
     */
    public CompletableFuture<List<Assignment>> assignAllAsync(Map<String, ?> attributes) {
        ExperimentSnapshot snapshot = experiments.get();
        if (snapshot == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        UserContext user = user(attributes);
        Set<StickyBucketStore.Document> documents = new LinkedHashSet<>();
        for (Experiment experiment : snapshot.set().active()) {
            ExperimentDefinition def = experiment.definition();
            if (def.stickyBucketing()) {
                document(documents, snapshot, def.hashAttribute(), user);
                if (def.fallbackAttribute() != null) {
                    document(documents, snapshot, def.fallbackAttribute(), user);
                }
            }
        }
        return options.stickyBuckets.load(documents).toCompletableFuture()
                .completeOnTimeout(null, STICKY_LOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((loaded, failure) -> assign(snapshot, snapshot.set().active(), user));
    }

    private static void document(Set<StickyBucketStore.Document> documents, ExperimentSnapshot snapshot,
            String attribute, UserContext user) {
        String value = user.stringAttribute(attribute);
        if (!value.isEmpty()) {
            documents.add(new StickyBucketStore.Document(snapshot.projectId(), snapshot.environment(), attribute,
                    value));
        }
    }

    /** Who is assigned: the attributes as the service reads them, at this moment. */
    private static UserContext user(Map<String, ?> attributes) {
        return new UserContext(Values.normalize(attributes), null, Instant.now());
    }

    private List<Assignment> assign(ExperimentSnapshot snapshot, List<Experiment> chosen, UserContext user) {
        String project = snapshot.projectId();
        String environment = snapshot.environment();
        StickyBuckets sticky = (attribute, value) -> options.stickyBuckets.cached(
                new StickyBucketStore.Document(project, environment, attribute, value));
        List<Assignment> answers = new ArrayList<>(chosen.size());
        for (Experiment experiment : chosen) {
            Assignment answer = Assigner.assign(experiment, user, sticky, snapshot.set().holdout());
            answers.add(answer);
            Assignment.StickyWrite write = answer.stickyWrite();
            if (write != null) {
                options.stickyBuckets.save(new StickyBucketStore.Document(project, environment, write.attribute(),
                        write.value()), write.field(), write.variationKey());
            }
            if (answer.exposure()) {
                expose(snapshot, experiment.definition(), answer);
            }
        }
        return answers;
    }

    /** Sends a user's first exposure to an experiment's bucket version (once per process; the ingest dedupes). */
    private void expose(ExperimentSnapshot snapshot, ExperimentDefinition def, Assignment answer) {
        // most assignments are of users already exposed: that is one set lookup, with no allocation
        Set<String> seen = snapshot.exposed().get(def.key());
        String unit = answer.hashAttribute().equals(def.hashAttribute())
                ? answer.hashValue()
                : answer.hashAttribute() + '\u0000' + answer.hashValue();
        if (seen.contains(unit) || !events.hasRoom()) {
            return; // a full buffer: the exposure is sent on a later assignment, once there is room
        }
        if (seen.size() >= ExperimentSnapshot.MAX_REMEMBERED) {
            seen.clear();
        }
        if (!seen.add(unit)) {
            return;
        }
        String messageId = ExposureIdentity.messageId(snapshot.projectId(), snapshot.environment(), def.key(),
                def.bucketVersion(), answer.hashAttribute(), answer.hashValue());
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("experiment_key", def.key());
        properties.put("variation_key", answer.variationKey());
        properties.put("variation_index", answer.variationIndex());
        properties.put("hash_attribute", answer.hashAttribute());
        properties.put("hash_value", answer.hashValue());
        properties.put("bucket", answer.bucket());
        properties.put("bucket_version", def.bucketVersion());
        List<Double> weights = new ArrayList<>();
        for (double weight : def.weights()) {
            weights.add(weight);
        }
        properties.put("variation_weights", weights);
        properties.put("sticky_bucket_used", answer.stickyBucketUsed());
        if (!events.offer(event("$exposure", answer.hashValue(), properties, messageId))) {
            seen.remove(unit);
        }
    }

    // ---- events

    /**
     * Records an event of a user; returns false when it was dropped (the buffer is full because the collector has
     * been unreachable for long).
     */
    public boolean track(String userId, String eventName, Map<String, ?> properties) {
        if (userId == null || userId.isEmpty() || eventName == null || eventName.isEmpty()) {
            throw new IllegalArgumentException("an event needs a user id and a name");
        }
        return events.offer(event(eventName, userId, properties, UUID.randomUUID().toString()));
    }

    private static Event event(String name, String userId, Map<String, ?> properties, String messageId) {
        Instant now = Instant.now();
        return Event.newBuilder().setType(EventType.EVENT_TYPE_TRACK).setName(name).setUserId(userId)
                .setProperties(Values.struct(properties)).setMessageId(messageId)
                .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build();
    }

    /** Completes once every event buffered now was sent (or given up on). */
    public CompletableFuture<Void> flush() {
        return events.flush();
    }

    /** Events the collector acknowledged, and events dropped, since start. */
    public long eventsSent() {
        return events.sent();
    }

    public long eventsDropped() {
        return events.dropped();
    }

    // ---- snapshots

    private void acceptFlags(String document, boolean save) {
        FlagSnapshot next;
        try {
            next = FlagSnapshot.parse(document);
        } catch (FlagDocumentException | RuntimeException e) {
            options.problems.accept(new SdkProblem(SdkProblem.Kind.SNAPSHOT_UNREADABLE,
                    "a flag snapshot could not be read; the last good one stays in use: " + e.getMessage(), e));
            return;
        }
        FlagSnapshot previous = flags.getAndSet(next);
        flagsReady.countDown();
        if (save) {
            save();
        }
        Set<String> changed = FlagSnapshot.changed(previous, next);
        if (!changed.isEmpty()) {
            flagListeners.forEach(listener -> listener.accept(changed));
        }
    }

    private void acceptExperiments(dev.flywheel.proto.experiments.v1.ExperimentSnapshot synced, boolean save) {
        try {
            experiments.set(ExperimentSnapshot.of(synced, experiments.get()));
        } catch (RuntimeException e) {
            options.problems.accept(new SdkProblem(SdkProblem.Kind.SNAPSHOT_UNREADABLE,
                    "an experiment snapshot could not be read; the last good one stays in use: " + e.getMessage(),
                    e));
            return;
        }
        experimentsReady.countDown();
        if (save) {
            save();
        }
    }

    private void restoreSaved() {
        if (file == null) {
            return;
        }
        try {
            SnapshotFile.Saved saved = file.read();
            if (saved != null && saved.flags() != null && options.flags) {
                acceptFlags(saved.flags(), false);
            }
            if (saved != null && saved.experiments() != null && options.experiments) {
                acceptExperiments(saved.experiments(), false);
            }
        } catch (IOException | RuntimeException e) {
            options.problems.accept(new SdkProblem(SdkProblem.Kind.SNAPSHOT_FILE, "the snapshot file "
                    + options.snapshotFile + " could not be read: " + e.getMessage(), e));
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        FlagSnapshot flagsNow = flags.get();
        ExperimentSnapshot experimentsNow = experiments.get();
        try {
            file.write(new SnapshotFile.Saved(flagsNow == null ? null : flagsNow.document(),
                    experimentsNow == null ? null : experimentsNow.synced()));
        } catch (IOException | RuntimeException e) {
            options.problems.accept(new SdkProblem(SdkProblem.Kind.SNAPSHOT_FILE, "the snapshot file "
                    + options.snapshotFile + " could not be written: " + e.getMessage(), e));
        }
    }

    // ---- plumbing

    private ManagedChannel channel(String target) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + options.serverKey);
        ClientInterceptor key = MetadataUtils.newAttachHeadersInterceptor(headers);
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target).intercept(key)
                .keepAliveTime(30, TimeUnit.SECONDS).keepAliveWithoutCalls(true);
        ManagedChannel channel = (options.tls ? builder.useTransportSecurity() : builder.usePlaintext()).build();
        channels.add(channel);
        return channel;
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /** Stops syncing, sends what is buffered (waiting at most five seconds) and closes the connections. */
    @Override
    public void close() {
        streams.forEach(SnapshotStream::close);
        try {
            events.flush().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            options.problems.accept(new SdkProblem(SdkProblem.Kind.EVENTS_DROPPED,
                    "closing before every buffered event was sent", e));
        }
        scheduler.shutdownNow();
        channels.forEach(ManagedChannel::shutdownNow);
        options.stickyBuckets.close();
    }
}
