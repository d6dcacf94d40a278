package io.conflux.update;

/**
 * Why an uploaded update was not accepted. Each has a stable code (stored, returned by the API) and a
 * sentence a trader can act on. Listed in the order the ingest function checks them.
 */
public enum RejectionReason {
    MALFORMED_KEY("the object key is not rounds/{round}/updates/{trader}/{uploadId}"),
    ROUND_NOT_FOUND("the round in the object key does not exist"),
    UNKNOWN_UPLOAD("no upload URL was issued for this upload id, round and trader"),
    TOO_LARGE("the object is larger than the round's maximum update size"),
    NOT_AN_ENVELOPE("the object does not start with the Conflux update magic 'CFX1'"),
    DECRYPTION_FAILED("the update could not be decrypted with the round's key (encrypted for another round or corrupted)"),
    MALFORMED_ENVELOPE("the decrypted envelope is not payload-length | payload | 65-byte signature"),
    BAD_SIGNATURE("the signature is not a valid secp256k1 signature of the payload"),
    SIGNER_MISMATCH("the update is signed by a different wallet than the trader in the object key"),
    SIGNER_NOT_REGISTERED("the signing wallet has not signed in to Conflux"),
    MALFORMED_PAYLOAD("the payload is not a valid safetensors file with the Conflux metadata"),
    METADATA_MISMATCH("the round or trader named inside the update differs from the object key"),
    ROUND_NOT_OPEN("the round is not open for updates"),
    LATE("the update arrived after the round's deadline"),
    TEMPLATE_MISMATCH("the tensors do not exactly match the round's model template (names, shapes, dtype)"),
    NON_FINITE("the update contains NaN or infinite values"),
    NORM_EXCEEDED("the update's L2 norm is larger than the round's norm bound"),
    DP_NOISE_MISSING("the round requires differential privacy and the update's norm is below the noise floor: it cannot carry the required noise"),
    OVERLAPS_VALIDATION("the update's training data reaches into the round's validation window (training must end before it)"),
    REPLAY_UPLOAD_ID("a different object was already decided for this upload id"),
    REPLAY_CONTENT("the same update (by content hash) was already accepted");

    private final String description;

    RejectionReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
