package io.conflux.update;

import io.conflux.identity.Session;
import io.conflux.platform.PlatformException;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import io.conflux.rounds.UploadKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Issues upload URLs to signed-in traders and tells them what became of their uploads. */
public final class UploadService {
    public static final Duration URL_LIFETIME = Duration.ofMinutes(5);

    private final RoundService rounds;
    private final UpdateLedger ledger;
    private final UploadUrlSigner signer;
    private final Clock clock;

    public UploadService(RoundService rounds, UpdateLedger ledger, UploadUrlSigner signer, Clock clock) {
        this.rounds = rounds;
        this.ledger = ledger;
        this.signer = signer;
        this.clock = clock;
    }

    /** What the trader gets: where and how to PUT, and the id to ask about later. */
    public record UploadTicket(String roundId, String uploadId, String objectKey, UploadUrlSigner.PresignedPut put, long maxBytes) {}

    public UploadTicket issue(Session trader, String roundId, long contentLength) {
        Round round = rounds.get(roundId);
        Instant now = clock.instant();
        if (!round.acceptsAt(now)) {
            throw PlatformException.conflict("ROUND_NOT_OPEN", "round " + roundId + " is not open for updates (deadline " + round.deadline() + ")");
        }
        if (contentLength <= 0) throw PlatformException.badRequest("INVALID_CONTENT_LENGTH", "contentLength must be the positive size of the sealed update in bytes");
        if (contentLength > round.maxUpdateBytes()) {
            throw PlatformException.badRequest("TOO_LARGE", contentLength + " bytes > the round's maximum of " + round.maxUpdateBytes());
        }
        UploadKey key = UploadKey.fresh(roundId, trader.address());
        Instant expires = now.plus(URL_LIFETIME);
        if (expires.isAfter(round.deadline())) expires = round.deadline();
        ledger.recordIssued(UploadRecord.issued(roundId, key.uploadId(), trader.address(), now, contentLength, key.key()));
        return new UploadTicket(roundId, key.uploadId(), key.key(), signer.presignPut(key.key(), contentLength, expires), round.maxUpdateBytes());
    }

    /** The upload's record; only its trader (or an operator) may read it. */
    public UploadRecord status(Session caller, String roundId, String uploadId) {
        UploadRecord r = ledger.find(roundId, uploadId)
                .orElseThrow(() -> PlatformException.notFound("UPLOAD_NOT_FOUND", "no upload " + uploadId + " in round " + roundId));
        if (!r.trader().equals(caller.address()) && !caller.isOperator()) {
            throw PlatformException.forbidden("NOT_YOUR_UPLOAD", "upload " + uploadId + " belongs to another trader");
        }
        return r;
    }
}
