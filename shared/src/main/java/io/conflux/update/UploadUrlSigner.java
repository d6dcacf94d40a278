package io.conflux.update;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/** Makes the short-lived URL a trader PUTs one update to. */
public interface UploadUrlSigner {

    /** The URL and the headers the PUT must carry exactly (they are part of the signature). */
    record PresignedPut(URI url, Map<String, String> headers, Instant expiresAt) {}

    /**
     * A PUT URL for exactly {@code key}, exactly {@code contentLength} bytes, valid until {@code expiresAt},
     * that cannot overwrite an existing object.
     */
    PresignedPut presignPut(String key, long contentLength, Instant expiresAt);
}
