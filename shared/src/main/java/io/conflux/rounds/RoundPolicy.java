package io.conflux.rounds;

import io.conflux.aggregation.Strategies;
import java.time.Instant;

/**
 * How a round turns updates into a model, fixed when it opens so every trader knows the rules before
 * uploading.
 *
 * @param minUpdates   the quorum: fewer accepted updates at the deadline and the round ends without a model
 * @param maxUpdates   the round closes early once this many are accepted; 0 waits for the deadline
 * @param rule         the aggregation rule as {@link Strategies#parse} reads it, e.g. {@code clip(max=5)+median}
 * @param validation   the public candles the candidate model is judged on; they lie after every trader's
 *                     training data (walk-forward), and updates whose data reaches into them are refused
 * @param scoreBudget  at most this many coalition models are evaluated for the contribution scores
 * @param seed         makes the Monte Carlo contribution scores reproducible
 * @param privacy      the differential privacy every update must carry, or null when the round leaves it to each trader
 */
public record RoundPolicy(int minUpdates, int maxUpdates, String rule, Validation validation, int scoreBudget, long seed, Privacy privacy) {

    /**
     * Differential privacy a round requires: each trader clips their update to L2 norm {@code clip} and adds
     * Gaussian noise of standard deviation {@code noiseMultiplier * clip} to every value (the trader's client
     * does it; see trader/.../DifferentialPrivacy.java for the guarantee and what it protects).
     *
     * <p>The platform cannot see the noise, but it can see its size: over P values the noise's norm is
     * {@code z C sqrt(P)} to within a few per cent (P is in the thousands), so an update whose norm lies
     * below {@link #noiseFloor} did not carry it and is refused.
     */
    public record Privacy(double clip, double noiseMultiplier) {
        /** Below this the guarantee per round is worthless (epsilon above 100 at delta 1e-5), so a round cannot ask for it. */
        public static final double MIN_NOISE_MULTIPLIER = 0.3;

        public Privacy {
            if (!(clip > 0) || Double.isInfinite(clip)) throw new IllegalArgumentException("the DP clip must be positive and finite");
            if (!(noiseMultiplier >= MIN_NOISE_MULTIPLIER) || Double.isInfinite(noiseMultiplier)) {
                throw new IllegalArgumentException("the DP noise multiplier must be at least " + MIN_NOISE_MULTIPLIER + " and finite");
            }
        }

        /** The norm the noise alone has over {@code parameters} values: z C sqrt(P). */
        public double noiseNorm(long parameters) {
            return noiseMultiplier * clip * Math.sqrt(parameters);
        }

        /** 90% of {@link #noiseNorm}: a noised update's norm falls below it with vanishing probability for P in the thousands. */
        public double noiseFloor(long parameters) {
            return 0.9 * noiseNorm(parameters);
        }
    }

    /** A policy that leaves differential privacy to each trader. */
    public RoundPolicy(int minUpdates, int maxUpdates, String rule, Validation validation, int scoreBudget, long seed) {
        this(minUpdates, maxUpdates, rule, validation, scoreBudget, seed, null);
    }

    /** A market's candles in {@code [from, to)}. */
    public record Validation(String market, Instant from, Instant to) {
        public Validation {
            if (market == null || !market.matches("[a-z0-9]+-[a-z0-9]+-[0-9]+[mhd]")) {
                throw new IllegalArgumentException("a validation market is named like btc-usdt-1h: '" + market + "'");
            }
            if (from == null || to == null || !to.isAfter(from)) throw new IllegalArgumentException("the validation window needs from < to");
        }
    }

    public RoundPolicy {
        if (minUpdates < 1) throw new IllegalArgumentException("the quorum (minUpdates) must be at least 1");
        if (maxUpdates != 0 && maxUpdates < minUpdates) throw new IllegalArgumentException("maxUpdates must be 0 (none) or at least minUpdates");
        if (validation == null) throw new IllegalArgumentException("a round needs a validation window");
        if (scoreBudget < 1) throw new IllegalArgumentException("the contribution score budget must be positive");
    }

    /**
     * Checks the rule against the round's norm bound (a typo must fail when the round opens, not when it closes),
     * and that a noised update of {@code parameters} values fits under the bound.
     */
    public RoundPolicy checkedFor(double normBound, long parameters) {
        Strategies.parse(rule, normBound);
        if (privacy != null && privacy.clip() + 1.05 * privacy.noiseNorm(parameters) > normBound) {
            throw new IllegalArgumentException(String.format("a noised update (clip %s plus noise of norm about %.3f over %d values) would not fit under "
                    + "the norm bound %s: lower the DP clip or raise the bound", privacy.clip(), privacy.noiseNorm(parameters), parameters, normBound));
        }
        return this;
    }
}
