package io.conflux.rounds;

import io.conflux.model.ModelTemplate;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A federated round: which model template it trains, until when it takes updates, and the bounds
 * every update must respect.
 *
 * @param publicKey          the round's X25519 HPKE public key; traders encrypt updates to it
 * @param protectedPrivateKey the private key, wrapped by a {@link io.conflux.crypto.KeyProtector}; never leaves the platform
 * @param policy             quorum, aggregation rule, validation window, scoring budget
 * @param baseModel          the parameters hash of the global model the round starts from (updates are deltas to it),
 *                           or {@link #GENESIS} for the template's seeded initial model
 * @param statusReason       why the round is in its status (the failure or the missing quorum), or null
 * @param modelVersion       the registry version the round published, or 0
 */
public record Round(String roundId, String templateId, RoundStatus status, Instant openedAt, Instant deadline,
                    long maxUpdateBytes, double normBound, byte[] publicKey, byte[] protectedPrivateKey,
                    RoundPolicy policy, String baseModel, String statusReason, long modelVersion) {

    public static final String GENESIS = "genesis";

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{2,63}");

    public Round {
        requireValidId(roundId);
        ModelTemplate.parse(templateId);
        if (!deadline.isAfter(openedAt)) throw new IllegalArgumentException("the deadline must be after the opening time");
        if (maxUpdateBytes <= 0) throw new IllegalArgumentException("maxUpdateBytes must be positive");
        if (!(normBound > 0) || Double.isInfinite(normBound)) throw new IllegalArgumentException("normBound must be positive and finite");
        if (policy == null) throw new IllegalArgumentException("a round needs a policy");
        if (baseModel == null || baseModel.isBlank()) throw new IllegalArgumentException("a round needs a base model (or genesis)");
    }

    /** The same round in another status. */
    public Round withStatus(RoundStatus next, String reason, long version) {
        return new Round(roundId, templateId, next, openedAt, deadline, maxUpdateBytes, normBound, publicKey,
                protectedPrivateKey, policy, baseModel, reason, version);
    }

    public static String requireValidId(String roundId) {
        if (roundId == null || !ID.matcher(roundId).matches()) {
            throw new IllegalArgumentException("a round id is 3-64 characters of a-z, 0-9 and '-', starting with a letter or digit: '" + roundId + "'");
        }
        return roundId;
    }

    public ModelTemplate template() {
        return ModelTemplate.parse(templateId);
    }

    /** Open and before its deadline at {@code t}. */
    public boolean acceptsAt(Instant t) {
        return status == RoundStatus.OPEN && t.isBefore(deadline);
    }
}
