package io.conflux.agent;

import java.time.Duration;

/**
 * What the agent may do, whatever the model says (long-only spot: it holds the asset or cash).
 *
 * @param maxPosition        most of the book's value held in the asset (0..1)
 * @param maxOrder           most of the book's value one order may move (0..1)
 * @param minEdge            P(up) - P(down) above this opens or adds; P(down) - P(up) above it closes
 * @param fullConviction     an edge this large asks for the full {@code maxPosition}; smaller edges scale linearly
 * @param stopLoss           close the position when the price is this fraction below its average entry
 * @param maxDrawdown        close everything and halt when the value is this fraction below its peak
 * @param haltFor            how long a drawdown halt lasts; afterwards the peak restarts at the current value
 * @param cooldownAfterLoss  no new buys this long after a sale that lost money
 * @param maxModelAge        no model-driven order on a model published longer ago than this (risk exits still act)
 * @param minOrderQuote      orders worth less than this many quote units are not placed
 */
public record RiskLimits(double maxPosition, double maxOrder, double minEdge, double fullConviction, double stopLoss, double maxDrawdown,
                         Duration haltFor, Duration cooldownAfterLoss, Duration maxModelAge, long minOrderQuote) {

    public RiskLimits {
        check(maxPosition, "maxPosition");
        check(maxOrder, "maxOrder");
        check(stopLoss, "stopLoss");
        check(maxDrawdown, "maxDrawdown");
        if (!(minEdge >= 0 && minEdge < 1) || !(fullConviction > minEdge && fullConviction <= 1)) {
            throw new IllegalArgumentException("need 0 <= minEdge < fullConviction <= 1");
        }
        if (haltFor.isNegative() || cooldownAfterLoss.isNegative() || maxModelAge.isNegative() || maxModelAge.isZero()) {
            throw new IllegalArgumentException("durations are not negative, and the model age limit is positive");
        }
        if (minOrderQuote < 0) throw new IllegalArgumentException("minOrderQuote is not negative");
    }

    private static void check(double fraction, String name) {
        if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException(name + " must lie in (0, 1], not " + fraction);
    }

    public RiskLimits withMaxModelAge(Duration age) {
        return new RiskLimits(maxPosition, maxOrder, minEdge, fullConviction, stopLoss, maxDrawdown, haltFor, cooldownAfterLoss, age, minOrderQuote);
    }

    /** Conservative defaults for a spot book; {@code minOrderQuote} is 10 whole quote units. */
    public static RiskLimits defaults(Market m) {
        return new RiskLimits(0.9, 0.25, 0.05, 0.3, 0.05, 0.2, Duration.ofDays(7), Duration.ofHours(24), Duration.ofDays(14),
                10 * (long) Math.pow(10, m.quoteDecimals()));
    }
}
