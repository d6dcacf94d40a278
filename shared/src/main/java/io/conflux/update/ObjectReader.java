package io.conflux.update;

import java.io.IOException;

/** Reads an uploaded object (a specific version where the store keeps versions). */
public interface ObjectReader {
    /** @throws IOException if the object is gone or larger than {@code maxBytes} */
    byte[] read(String key, String versionId, long maxBytes) throws IOException;
}
