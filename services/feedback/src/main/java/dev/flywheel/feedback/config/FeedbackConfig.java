package dev.flywheel.feedback.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The feedback service's settings (prefix {@code flywheel.feedback}). */
@ConfigMapping(prefix = "flywheel.feedback")
public interface FeedbackConfig {

    /**
     * How often every environment whose running surveys a replica serves is compared with the database, in case a
     * change notification was lost.
     */
    @WithDefault("30s")
    Duration resyncInterval();

    /** How often events left in the outbox (Kafka was unreachable, or the process stopped) are sent again. */
    @WithDefault("5s")
    Duration outboxRelayInterval();

    /** The largest screenshot the feedback widget may attach. */
    @WithDefault("2097152")
    int maxScreenshotBytes();

    /** Session recordings (ADR 0012). */
    Recordings recordings();

    interface Recordings {

        /** Where chunks' bytes live: {@code filesystem} (the directory below) or {@code s3} (a bucket). */
        @WithDefault("filesystem")
        Store store();

        /** How long a project's recordings are kept before the retention job erases them (default 30 days). */
        @WithDefault("30d")
        Duration retention();

        /** How often the retention job runs. */
        @WithDefault("1h")
        Duration retentionInterval();

        S3 s3();

        enum Store {
            FILESYSTEM, S3
        }

        /** S3 or an S3-compatible server (MinIO, Ceph, S3Proxy…). */
        interface S3 {

            /** An S3-compatible server's address; unset for AWS S3. */
            Optional<URI> endpoint();

            @WithDefault("us-east-1")
            String region();

            @WithDefault("flywheel-recordings")
            String bucket();

            /** Unset: the AWS SDK's default chain (environment, profile, instance or pod role). */
            Optional<String> accessKeyId();

            Optional<String> secretAccessKey();

            /** Bucket in the path, not the host name: what most S3-compatible servers need. */
            @WithDefault("false")
            boolean pathStyle();

            /** Create the bucket at start when it is missing. */
            @WithDefault("false")
            boolean createBucket();

            @WithDefault("10s")
            Duration timeout();
        }

        /** Where the filesystem blob store keeps chunks (a volume in Kubernetes). */
        @WithDefault("data/recordings")
        Path directory();

        /** The largest chunk as sent (compressed). */
        @WithDefault("1048576")
        int maxChunkBytes();

        /** The largest chunk once decompressed: a bound on gzip bombs. */
        @WithDefault("16777216")
        int maxDecompressedBytes();

        @WithDefault("50000")
        int maxEventsPerChunk();
    }
}
