package dev.flywheel.recordings;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as objects of one bucket in S3 or an S3-compatible server (MinIO, S3Proxy, Ceph, …), through the AWS SDK. A
 * put is durable when S3 acknowledged it. Storage failures surface as {@link IOException}, as on the filesystem.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {

    /**
     * Where the bucket is.
     *
     * @param endpoint
     *            an S3-compatible server's address; empty for AWS S3 itself
     * @param accessKeyId
     *            empty: the AWS SDK's default chain (environment, profile, instance role)
     * @param pathStyle
     *            bucket in the path rather than the host name (most S3-compatible servers need it)
     */
    public record Settings(Optional<URI> endpoint, String region, String bucket, String accessKeyId,
            String secretAccessKey, boolean pathStyle, Duration timeout) {
    }

    private static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final String bucket;

    public S3BlobStore(Settings settings) {
        AwsCredentialsProvider credentials = settings.accessKeyId().isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(),
                        settings.secretAccessKey()));
        var builder = S3Client.builder().region(Region.of(settings.region())).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(settings.timeout())
                        .socketTimeout(settings.timeout()))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle())
                        .build());
        settings.endpoint().ifPresent(builder::endpointOverride);
        this.s3 = builder.build();
        this.bucket = settings.bucket();
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        BlobKeys.requireSafe(key);
        try {
            s3.putObject(request -> request.bucket(bucket).key(key).contentLength((long) bytes.length),
                    RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
        BlobKeys.requireSafe(key);
        try {
            return Optional.of(s3.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("get", key, e);
        }
    }

    @Override
    public int deleteAll(String prefix) throws IOException {
        List<String> keys = list(prefix);
        try {
            for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
                List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH))
                        .stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
                s3.deleteObjects(request -> request.bucket(bucket).delete(Delete.builder().objects(batch)
                        .quiet(true).build()));
            }
        } catch (SdkException e) {
            throw failure("delete", prefix, e);
        }
        return keys.size();
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        BlobKeys.requireSafe(prefix);
        try {
            List<String> keys = new ArrayList<>();
            for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix))
                    .contents()) {
                keys.add(object.key());
            }
            keys.sort(null);
            return keys;
        } catch (SdkException e) {
            throw failure("list", prefix, e);
        }
    }

    /** Creates the bucket when it does not exist (for servers a deployment starts empty, and tests). */
    public void createBucketIfMissing() throws IOException {
        try {
            s3.headBucket(request -> request.bucket(bucket));
        } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
            try {
                s3.createBucket(request -> request.bucket(bucket));
            } catch (SdkException created) {
                throw failure("create bucket", bucket, created);
            }
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() != 404) {
                throw failure("head bucket", bucket, e);
            }
            try {
                s3.createBucket(request -> request.bucket(bucket));
            } catch (SdkException created) {
                throw failure("create bucket", bucket, created);
            }
        } catch (SdkException e) {
            throw failure("head bucket", bucket, e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    private IOException failure(String what, String key, SdkException cause) {
        return new IOException("S3 " + what + " of " + bucket + "/" + key + " failed: " + cause.getMessage(), cause);
    }
}
