package io.conflux.aws;

import io.conflux.update.ObjectReader;
import io.conflux.update.UploadUrlSigner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The updates bucket: presigned PUT URLs that are scoped to one key, one exact content length and a
 * short lifetime, and that cannot overwrite (the {@code If-None-Match: *} header is signed, so S3
 * refuses a second PUT with 412: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html);
 * and bounded reads of uploaded objects.
 */
public final class S3Uploads implements UploadUrlSigner, ObjectReader {
    public static final String CONTENT_TYPE = "application/octet-stream";

    private final Supplier<S3Client> s3;
    private final Supplier<S3Presigner> presigner;
    private final String bucket;

    /** Clients are asked for on first use: the API only presigns, the ingest function only reads. */
    public S3Uploads(Supplier<S3Client> s3, Supplier<S3Presigner> presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    @Override
    public PresignedPut presignPut(String key, long contentLength, Instant expiresAt) {
        Duration left = Duration.between(Instant.now(), expiresAt);
        if (left.isNegative() || left.isZero()) throw new IllegalArgumentException("the URL would be expired already");
        // SigV4 presigned URLs live whole seconds, at least one; the ingest's deadline check covers the rounding
        Duration ttl = Duration.ofSeconds(Math.max(1, (left.toMillis() + 999) / 1000));
        var presigned = presigner.get().presignPutObject(p -> p.signatureDuration(ttl).putObjectRequest(o -> o.bucket(bucket).key(key)
                .contentLength(contentLength).contentType(CONTENT_TYPE).ifNoneMatch("*")));
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        presigned.signedHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) headers.put(name, String.join(",", values));
        });
        return new PresignedPut(URI.create(presigned.url().toString()), headers, presigned.expiration());
    }

    @Override
    public byte[] read(String key, String versionId, long maxBytes) throws IOException {
        try (InputStream in = s3.get().getObject(r -> r.bucket(bucket).key(key).versionId(versionId))) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) throw new IOException("object " + key + " is larger than " + maxBytes + " bytes");
            return bytes;
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }
}
