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
 */
public record RoundPolicy(int minUpdates, int maxUpdates, String rule, Validation validation, int scoreBudget, long seed) {

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

    /** Checks the rule against the round's norm bound (a typo must fail when the round opens, not when it closes). */
    public RoundPolicy checkedFor(double normBound) {
        Strategies.parse(rule, normBound);
        return this;
    }
}
