package io.conflux.agent;

import java.time.Instant;

/**
 * An executed order. {@code quantity} is base units (positive: bought, negative: sold); {@code notional} is
 * the quote units paid (buy) or received (sell) before the fee; {@code fee} is quote units, always charged.
 */
public record Fill(String clientOrderId, Instant at, double price, long quantity, long notional, long fee) {
    public Fill {
        if (quantity == 0) throw new IllegalArgumentException("a fill moves a quantity");
        if (notional < 0 || fee < 0) throw new IllegalArgumentException("notional and fee are not negative");
    }

    public boolean buy() {
        return quantity > 0;
    }

    /** The change of cash: minus notional and fee on a buy, plus notional minus fee on a sell. */
    public long cashDelta() {
        return buy() ? -notional - fee : notional - fee;
    }
}
