package io.conflux.update;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;

/** Makes the short-lived URL a trader PUTs one update to. */
public interface UploadUrlSigner {

    /** The URL and the headers the PUT must carry exactly (they are part of the signature). */
    record PresignedPut(URI url, Map<String, String> headers, Instant expiresAt) {

        /**
         * The PUT a client sends: the signed headers as given, except Content-Length and Host, which
         * the HTTP client derives from the body and the URL (and must: it refuses to take them).
         */
        public HttpRequest request(byte[] body) {
            return request(HttpRequest.BodyPublishers.ofByteArray(body));
        }

        /** The same PUT with a body publisher of its own (one that reports progress, say). */
        public HttpRequest request(HttpRequest.BodyPublisher body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(url).PUT(body);
            headers.forEach((k, v) -> {
                if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("host")) b.header(k, v);
            });
            return b.build();
        }
    }

    /**
     * A PUT URL for exactly {@code key}, exactly {@code contentLength} bytes, valid until {@code expiresAt},
     * that cannot overwrite an existing object.
     */
    PresignedPut presignPut(String key, long contentLength, Instant expiresAt);
}
