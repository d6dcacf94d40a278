package io.conflux.aws;

import io.conflux.federation.Blobs;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** A bucket as {@link Blobs}; SDK failures become IOExceptions (the workflow retries them). */
public final class S3Blobs implements Blobs {
    private final Supplier<S3Client> s3;
    private final String bucket;

    public S3Blobs(Supplier<S3Client> s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public String put(String key, byte[] bytes) throws IOException {
        try {
            return s3.get().putObject(r -> r.bucket(bucket).key(key).contentLength((long) bytes.length), RequestBody.fromBytes(bytes)).versionId();
        } catch (SdkException e) {
            throw new IOException("PUT s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> find(String key) throws IOException {
        try {
            return Optional.of(s3.get().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw new IOException("GET s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("GET s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] range(String key, long from, int length) throws IOException {
        if (length == 0) return new byte[0];
        try {
            byte[] b = s3.get().getObjectAsBytes(r -> r.bucket(bucket).key(key).range("bytes=" + from + "-" + (from + length - 1))).asByteArray();
            if (b.length != length) throw new IOException("s3://" + bucket + "/" + key + " returned " + b.length + " bytes for a range of " + length);
            return b;
        } catch (SdkException e) {
            throw new IOException("GET s3://" + bucket + "/" + key + " bytes " + from + "+" + length + ": " + e.getMessage(), e);
        }
    }
}
