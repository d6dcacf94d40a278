package io.conflux.api;

import io.conflux.aws.Platform;
import io.conflux.federation.ContributionScore;
import io.conflux.federation.PublishedModel;
import io.conflux.platform.Json;
import io.conflux.platform.PlatformException;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundPolicy;
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
                            @Nullable Long maxUpdateBytes, @Nullable Double normBound, @Nullable PolicyRequest policy) {}

    /**
     * What a round opened with a policy changes from the defaults; absent fields keep them. {@code dpClip} and
     * {@code dpNoiseMultiplier} (both or neither) make differential privacy a requirement of the round.
     */
    @Serdeable
    record PolicyRequest(@Nullable Integer minUpdates, @Nullable Integer maxUpdates, @Nullable String rule,
                         @Nullable String validationMarket, @Nullable String validationFrom, @Nullable String validationTo,
                         @Nullable Integer scoreBudget, @Nullable Long seed, @Nullable Double dpClip, @Nullable Double dpNoiseMultiplier) {
        RoundPolicy over(RoundPolicy d) {
            if ((dpClip == null) != (dpNoiseMultiplier == null)) {
                throw PlatformException.badRequest("INVALID_POLICY", "differential privacy needs both dpClip and dpNoiseMultiplier");
            }
            try {
                var v = d.validation();
                return new RoundPolicy(or(minUpdates, d.minUpdates()), or(maxUpdates, d.maxUpdates()), or(rule, d.rule()),
                        new RoundPolicy.Validation(or(validationMarket, v.market()),
                                validationFrom == null ? v.from() : Instant.parse(validationFrom),
                                validationTo == null ? v.to() : Instant.parse(validationTo)),
                        or(scoreBudget, d.scoreBudget()), or(seed, d.seed()),
                        dpClip == null ? d.privacy() : new RoundPolicy.Privacy(dpClip, dpNoiseMultiplier));
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                throw PlatformException.badRequest("INVALID_POLICY", e.getMessage());
            }
        }

        private static <T> T or(T value, T fallback) {
            return value != null ? value : fallback;
        }
    }

    @Serdeable
    record Policy(int minUpdates, int maxUpdates, String rule, String validationMarket, String validationFrom, String validationTo,
                  int scoreBudget, long seed, @Nullable Double dpClip, @Nullable Double dpNoiseMultiplier) {
        static Policy of(RoundPolicy p) {
            return new Policy(p.minUpdates(), p.maxUpdates(), p.rule(), p.validation().market(), p.validation().from().toString(),
                    p.validation().to().toString(), p.scoreBudget(), p.seed(), p.privacy() == null ? null : p.privacy().clip(),
                    p.privacy() == null ? null : p.privacy().noiseMultiplier());
        }
    }

    @Serdeable
    record RoundView(String roundId, String templateId, String status, @Nullable String statusReason, boolean acceptingUpdates,
                     String openedAt, String deadline, long maxUpdateBytes, double normBound, String publicKey, String encryption,
                     Policy policy, String baseModel, @Nullable Long modelVersion, @Nullable String workflowExecution) {
        static RoundView of(Round r, Instant now) {
            return of(r, now, null);
        }

        static RoundView of(Round r, Instant now, String execution) {
            return new RoundView(r.roundId(), r.templateId(), r.status().name(), r.statusReason(), r.acceptsAt(now), r.openedAt().toString(),
                    r.deadline().toString(), r.maxUpdateBytes(), r.normBound(), Base64.getEncoder().encodeToString(r.publicKey()),
                    "HPKE base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM", Policy.of(r.policy()), r.baseModel(),
                    r.modelVersion() > 0 ? r.modelVersion() : null, execution);
        }
    }

    @Serdeable
    record Download(String url, String method, String expiresAt) {
        static Download of(Platform.Download d) {
            return new Download(d.url(), "GET", d.expiresAt().toString());
        }
    }

    /**
     * A published global model. {@code onnxSha256} is the hash recorded on-chain; {@code download} (the
     * ONNX file), {@code parameters} (the template's tensors as safetensors, what local training starts
     * from) and {@code receipt} (the signed list of what went into it) are presigned GET URLs.
     */
    @Serdeable
    record ModelView(String templateId, long version, String roundId, String parametersHash, String onnxSha256, String rule,
                     int updates, Map<String, Object> evaluation, String publishedAt, @Nullable Download download,
                     @Nullable Download parameters, @Nullable Download receipt) {
        static ModelView of(PublishedModel m, Platform platform, boolean withUrls) {
            Map<String, Object> evaluation;
            try {
                evaluation = Json.object(m.metricsJson());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("model " + m.version() + " has unreadable metrics", e);
            }
            return new ModelView(m.templateId(), m.version(), m.roundId(), m.parametersHash(), m.onnxSha256(), m.rule(), m.updates(),
                    evaluation, m.publishedAt().toString(),
                    withUrls ? Download.of(platform.modelDownload(m.onnxKey(), m.onnxVersionId())) : null,
                    withUrls ? Download.of(platform.modelDownload(m.parametersKey(), null)) : null,
                    withUrls ? Download.of(platform.modelDownload(m.receiptKey(), null)) : null);
        }
    }

    @Serdeable
    record Score(String trader, String contentHash, double leaveOneOut, double shapley, long payoutPpm) {
        static Score of(ContributionScore s) {
            return new Score(s.trader(), s.contentHash(), s.leaveOneOut(), s.shapley(), s.payoutPpm());
        }
    }

    /** A round's contribution scores; payout shares are parts per million and sum to 1,000,000 (or are all 0). */
    @Serdeable
    record RoundScores(String roundId, String status, String utility, List<Score> scores) {}

    /** What a round came to: its status (and why), and the model it published, if any. */
    @Serdeable
    record RoundResult(RoundView round, @Nullable ModelView model) {}

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

    /** The agent's book for a market: exact integer amounts (quote and base units) and their decimal form. */
    @Serdeable
    record AgentPortfolio(String market, long cash, String cashDecimal, long position, String positionDecimal, long costBasis, long realizedPnl,
                          long feesPaid, long initialCash, @Nullable Long lastValue, @Nullable String lastTick, long ticks, long auditEntries,
                          String auditHead, @Nullable String haltedUntil) {
        static AgentPortfolio of(String market, io.conflux.agent.AgentState s, Map<String, Object> lastTick) {
            var b = s.book();
            Object value = lastTick.get("valueAfter");
            return new AgentPortfolio(market, b.cash(), io.conflux.agent.Market.whole(b.cash(), b.market().quoteDecimals()).toPlainString(), b.position(),
                    io.conflux.agent.Market.whole(b.position(), b.market().baseDecimals()).toPlainString(), b.costBasis(), b.realizedPnl(), b.feesPaid(),
                    s.initialCash(), value instanceof Number n ? n.longValue() : null, (String) lastTick.get("scheduledAt"), s.version(), s.auditNext(),
                    s.auditHead(), s.risk().haltedUntil() == null ? null : s.risk().haltedUntil().toString());
        }
    }

    @Serdeable
    record AuditEntry(long sequence, String at, String kind, String payload, String previousHash, String hash) {}

    /** A stretch of the audit log: its entries, whether they verify (linked to the entry before {@code from}), and their Merkle root. */
    @Serdeable
    record AuditView(String market, long from, long to, List<AuditEntry> entries, String root, boolean intact, @Nullable String problem) {}

    static String str(Instant t) {
        return t == null ? null : t.toString();
    }
}
