package io.conflux.federation;

import java.io.IOException;
import java.util.Optional;

/**
 * A bucket as the round workflow uses it (the work area between steps, the published models). The
 * adapter is S3 (s3proxy on the local runtime).
 */
public interface Blobs {
    /** @return the version id the store gave the object, or null where the bucket keeps no versions */
    String put(String key, byte[] bytes) throws IOException;

    Optional<byte[]> find(String key) throws IOException;

    /** Bytes {@code [from, from + length)} of an object (one ranged read). */
    byte[] range(String key, long from, int length) throws IOException;

    default byte[] get(String key) throws IOException {
        return find(key).orElseThrow(() -> new IOException("no object " + key));
    }
}
