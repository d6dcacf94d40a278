package io.conflux.update;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The record of every upload and its verdict. Every write an event can repeat is conditional, so a
 * repeated event changes nothing; an accepted update's content hash is claimed atomically with its
 * verdict, so the same content is accepted once.
 */
public interface UpdateLedger {

    /** The object an S3 event speaks of. */
    record ObjectRef(String key, String eTag, String versionId, long size, Instant uploadedAt) {}

    enum Outcome {
        /** The verdict was written. */
        RECORDED,
        /** This object was decided before (a repeated event): nothing changed. */
        ALREADY_DECIDED,
        /** Another upload already holds this content hash: the caller records a REPLAY_CONTENT rejection. */
        CONTENT_ALREADY_ACCEPTED,
        /** A different object was decided for this upload before: noted on the record, verdict unchanged. */
        UPLOAD_ALREADY_DECIDED,
        /** The round closed before the update could be accepted: the caller records a ROUND_NOT_OPEN rejection. */
        ROUND_CLOSED
    }

    /** @throws IllegalStateException if the upload id exists (never reuse an id) */
    void recordIssued(UploadRecord issued);

    Optional<UploadRecord> find(String roundId, String uploadId);

    List<UploadRecord> listRound(String roundId);

    Outcome accept(String roundId, String uploadId, ObjectRef object, UpdateVerifier.Verified verified, Instant decidedAt);

    /**
     * Rejects a decided-upon upload; when no upload was issued for it (unknown id, unknown round,
     * malformed key) the rejection is still recorded, under the round (or {@code ~unroutable}) partition.
     */
    Outcome reject(String roundId, String uploadId, String trader, ObjectRef object, RejectionReason reason, String detail,
                   String contentHash, Instant decidedAt);
}
