package io.conflux.update;

/** An upload's life: a URL was issued; the object arrived and was accepted or rejected. */
public enum UploadStatus {
    ISSUED, ACCEPTED, REJECTED
}
