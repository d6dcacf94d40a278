package io.conflux.api;

import io.conflux.rounds.Round;
import io.conflux.update.UploadRecord;
import io.conflux.update.UploadService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The API's request and response bodies (JSON; times are RFC 3339 strings). */
final class Dto {
    private Dto() {}

    @Serdeable
    record Error(String error, String message) {}

    @Serdeable
    record Challenge(String nonce, String issuedAt, String expiresAt, String domain, String uri, long chainId, String statement) {}

    @Serdeable
    record LoginRequest(String message, String signature) {}

    @Serdeable
    record LoginResponse(String token, String address, List<String> roles, String expiresAt) {}

    @Serdeable
    record Trader(String address, String registeredAt, String lastSignInAt, List<String> roles) {}

    @Serdeable
    record OpenRoundRequest(@Nullable String roundId, @Nullable String templateId, @Nullable Long durationSeconds,
                            @Nullable Long maxUpdateBytes, @Nullable Double normBound) {}

    @Serdeable
    record RoundView(String roundId, String templateId, String status, boolean acceptingUpdates, String openedAt, String deadline,
                     long maxUpdateBytes, double normBound, String publicKey, String encryption) {
        static RoundView of(Round r, Instant now) {
            return new RoundView(r.roundId(), r.templateId(), r.status().name(), r.acceptsAt(now), r.openedAt().toString(),
                    r.deadline().toString(), r.maxUpdateBytes(), r.normBound(), Base64.getEncoder().encodeToString(r.publicKey()),
                    "HPKE base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM");
        }
    }

    @Serdeable
    record UploadRequest(@Nullable Long contentLength) {}

    @Serdeable
    record UploadTicket(String roundId, String uploadId, String objectKey, String url, String method, Map<String, String> headers,
                        String expiresAt, long maxBytes) {
        static UploadTicket of(UploadService.UploadTicket t) {
            return new UploadTicket(t.roundId(), t.uploadId(), t.objectKey(), t.put().url().toString(), "PUT", t.put().headers(),
                    t.put().expiresAt().toString(), t.maxBytes());
        }
    }

    @Serdeable
    record Upload(String roundId, String uploadId, String trader, String status, String issuedAt, @Nullable String uploadedAt,
                  @Nullable String decidedAt, @Nullable String contentHash, @Nullable Long sampleCount, @Nullable Double norm,
                  @Nullable String reason, @Nullable String reasonDescription, @Nullable String detail) {
        static Upload of(UploadRecord r) {
            return new Upload(r.roundId(), r.uploadId(), r.trader(), r.status().name(), str(r.issuedAt()), str(r.uploadedAt()),
                    str(r.decidedAt()), r.contentHash(), r.sampleCount(), r.norm(), r.reason() == null ? null : r.reason().name(),
                    r.reason() == null ? null : r.reason().description(), r.detail());
        }
    }

    static String str(Instant t) {
        return t == null ? null : t.toString();
    }
}
