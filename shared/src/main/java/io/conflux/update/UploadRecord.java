package io.conflux.update;

import java.time.Instant;

/**
 * One upload in the ledger. Fields after {@code issuedAt} are filled when the object is decided;
 * {@code reason} and {@code detail} only when rejected; {@code contentHash}, {@code sampleCount} and
 * {@code norm} when the object got far enough to have them.
 */
public record UploadRecord(String roundId, String uploadId, String trader, UploadStatus status, Instant issuedAt,
                           long declaredBytes, String objectKey, String eTag, String versionId, Long objectBytes,
                           Instant uploadedAt, Instant decidedAt, String contentHash, Long sampleCount, Double norm,
                           RejectionReason reason, String detail) {

    public static UploadRecord issued(String roundId, String uploadId, String trader, Instant at, long declaredBytes, String objectKey) {
        return new UploadRecord(roundId, uploadId, trader, UploadStatus.ISSUED, at, declaredBytes, objectKey,
                null, null, null, null, null, null, null, null, null, null);
    }
}
