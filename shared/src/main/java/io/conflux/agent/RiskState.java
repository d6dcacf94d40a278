package io.conflux.agent;

import java.time.Instant;

/**
 * What the risk limits remember between ticks: the peak value (for the drawdown limit), a halt's end, and
 * the time of the last losing sale (for the cooldown). Nulls mean "never".
 */
public record RiskState(long peakValue, Instant haltedUntil, Instant lastLossAt) {

    public static RiskState start(long value) {
        return new RiskState(value, null, null);
    }

    /** The peak moved up to {@code value} if it is higher. */
    public RiskState marked(long value) {
        return value > peakValue ? new RiskState(value, haltedUntil, lastLossAt) : this;
    }

    /** After a fill: a sale that realized a loss starts the cooldown. */
    public RiskState after(Portfolio before, Portfolio after, Fill f) {
        boolean loss = !f.buy() && after.realizedPnl() < before.realizedPnl();
        return loss ? new RiskState(peakValue, haltedUntil, f.at()) : this;
    }

    public RiskState halted(Instant until) {
        return new RiskState(peakValue, until, lastLossAt);
    }

    /** A halt that has run out: trading resumes and the peak restarts at the current value. */
    public RiskState resumed(long value) {
        return new RiskState(value, null, lastLossAt);
    }
}
