package io.conflux.update;

import static io.conflux.update.RejectionReason.*;

import io.conflux.identity.TraderRegistry;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import io.conflux.rounds.RoundStore;
import io.conflux.rounds.UploadKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides one uploaded object: verifies it ({@link UpdateVerifier}) and records the verdict in the
 * ledger. Safe to run any number of times for the same object: the first verdict stands.
 *
 * <p>Errors that are not the object's fault (storage unavailable, throttling) propagate, so the event
 * is retried; everything that is the object's fault becomes a recorded rejection.
 */
public final class IngestService {
    /** Partition for objects that name no round (malformed keys). */
    public static final String UNROUTABLE = "~unroutable";

    private final RoundStore rounds;
    private final RoundService roundService;
    private final UpdateLedger ledger;
    private final TraderRegistry traders;
    private final ObjectReader objects;
    private final Clock clock;
    private final Map<String, byte[]> privateKeys = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > 16;
        }
    };

    public IngestService(RoundStore rounds, RoundService roundService, UpdateLedger ledger, TraderRegistry traders,
                         ObjectReader objects, Clock clock) {
        this.rounds = rounds;
        this.roundService = roundService;
        this.ledger = ledger;
        this.traders = traders;
        this.objects = objects;
        this.clock = clock;
    }

    /** The verdict on one object, and whether this call wrote it. */
    public record Result(UploadStatus status, RejectionReason reason, String detail, UpdateLedger.Outcome outcome) {}

    public Result process(UpdateLedger.ObjectRef obj) {
        UploadKey key;
        try {
            key = UploadKey.parse(obj.key());
        } catch (IllegalArgumentException e) {
            String id = HexFormat.of().formatHex(UpdateEnvelope.sha256(obj.key().getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 32);
            return rejected(UNROUTABLE, id, null, obj, MALFORMED_KEY, e.getMessage(), null);
        }
        Optional<Round> found = rounds.find(key.roundId());
        if (found.isEmpty()) return rejected(key, obj, ROUND_NOT_FOUND, "no round " + key.roundId(), null);
        Round round = found.get();
        Optional<UploadRecord> issued = ledger.find(key.roundId(), key.uploadId());
        if (issued.isEmpty() || !issued.get().trader().equals(key.trader())) {
            return rejected(key, obj, UNKNOWN_UPLOAD, "upload " + key.uploadId() + " was not issued to " + key.trader(), null);
        }
        UploadRecord record = issued.get();
        if (record.status() != UploadStatus.ISSUED) {
            if (obj.eTag() != null && obj.eTag().equals(record.eTag())) {
                return new Result(record.status(), record.reason(), record.detail(), UpdateLedger.Outcome.ALREADY_DECIDED);
            }
            return rejected(key, obj, REPLAY_UPLOAD_ID, "upload " + key.uploadId() + " was already decided " + record.status(), null);
        }
        String contentHash = null;
        try {
            UpdateVerifier.checkSize(round, obj.size());
            byte[] bytes = objects.read(obj.key(), obj.versionId(), round.maxUpdateBytes());
            UpdateVerifier.Verified verified = UpdateVerifier.verify(round, privateKey(round), key, bytes, obj.uploadedAt(), traders::isRegistered);
            contentHash = verified.contentHash();
            UpdateLedger.Outcome outcome = ledger.accept(key.roundId(), key.uploadId(), obj, verified, clock.instant());
            return switch (outcome) {
                case RECORDED -> new Result(UploadStatus.ACCEPTED, null, null, outcome);
                case ROUND_CLOSED -> rejected(key, obj, ROUND_NOT_OPEN, "round " + key.roundId() + " closed before the update was accepted", contentHash);
                case CONTENT_ALREADY_ACCEPTED ->
                        rejected(key, obj, REPLAY_CONTENT, "content " + contentHash + " was accepted in another upload", contentHash);
                default -> {
                    // decided concurrently by another delivery of this event: report what stands
                    UploadRecord now = ledger.find(key.roundId(), key.uploadId()).orElseThrow();
                    yield new Result(now.status(), now.reason(), now.detail(), outcome);
                }
            };
        } catch (UpdateRejectedException e) {
            return rejected(key, obj, e.reason(), e.detail(), contentHash);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + obj.key() + "; the event will be retried", e);
        }
    }

    private synchronized byte[] privateKey(Round round) {
        return privateKeys.computeIfAbsent(round.roundId(), id -> {
            try {
                return roundService.privateKey(round);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the key of round " + id + " cannot be unwrapped", e);
            }
        });
    }

    private Result rejected(UploadKey key, UpdateLedger.ObjectRef obj, RejectionReason reason, String detail, String hash) {
        return rejected(key.roundId(), key.uploadId(), key.trader(), obj, reason, detail, hash);
    }

    private Result rejected(String roundId, String uploadId, String trader, UpdateLedger.ObjectRef obj, RejectionReason reason,
                            String detail, String hash) {
        UpdateLedger.Outcome outcome = ledger.reject(roundId, uploadId, trader, obj, reason, detail, hash, clock.instant());
        if (outcome == UpdateLedger.Outcome.RECORDED) return new Result(UploadStatus.REJECTED, reason, detail, outcome);
        if (outcome == UpdateLedger.Outcome.UPLOAD_ALREADY_DECIDED) {
            // another object under a decided upload id: this object is refused, the upload's verdict stands
            return new Result(UploadStatus.REJECTED, REPLAY_UPLOAD_ID, "upload " + uploadId + " was decided before; this object is ignored", outcome);
        }
        UploadRecord current = ledger.find(roundId, uploadId).orElseThrow();
        return new Result(current.status(), current.reason(), current.detail(), outcome);
    }
}
