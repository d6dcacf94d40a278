package io.conflux.agent;

import java.math.RoundingMode;

/**
 * A long-only spot book in exact units: cash in quote units, the position in base units, what the
 * position cost (quote units, fees included), and the running totals. Applying a fill returns a new
 * book; value is conserved exactly: cash + cost basis + realized P&L changes only by fees and by the
 * difference between sale proceeds and the cost they release.
 *
 * @param costBasis    quote units paid for the position still held (buy notionals plus buy fees)
 * @param realizedPnl  sale proceeds minus sale fees minus the cost basis they released, summed
 */
public record Portfolio(Market market, long cash, long position, long costBasis, long realizedPnl, long feesPaid, long tradedNotional) {

    public Portfolio {
        if (cash < 0) throw new IllegalArgumentException("cash would be negative: " + cash);
        if (position < 0) throw new IllegalArgumentException("a spot book holds no short position: " + position);
        if (position == 0 && costBasis != 0) throw new IllegalArgumentException("no position, no cost basis");
    }

    public static Portfolio ofCash(Market market, long cash) {
        return new Portfolio(market, cash, 0, 0, 0, 0, 0);
    }

    /** Cash plus the position marked at {@code price} (rounded down), in quote units. */
    public long value(double price) {
        return cash + market.notional(position, price, RoundingMode.FLOOR);
    }

    /** The average price paid per whole base unit, fees included (NaN when flat). */
    public double averageEntry() {
        return position == 0 ? Double.NaN : (double) costBasis / position * Math.pow(10, market.baseDecimals() - market.quoteDecimals());
    }

    /** Share of the value at {@code price} held in the asset. */
    public double exposure(double price) {
        long v = value(price);
        return v == 0 ? 0 : (double) market.notional(position, price, RoundingMode.FLOOR) / v;
    }

    /**
     * The book after {@code f}. A sale releases cost basis in proportion to the quantity sold (rounded so the
     * last sale releases exactly what is left) and books the difference as realized P&L.
     */
    public Portfolio apply(Fill f) {
        long newCash = Math.addExact(cash, f.cashDelta());
        if (f.buy()) {
            return new Portfolio(market, newCash, Math.addExact(position, f.quantity()), Math.addExact(costBasis, f.notional() + f.fee()), realizedPnl,
                    feesPaid + f.fee(), tradedNotional + f.notional());
        }
        long sold = -f.quantity();
        if (sold > position) throw new IllegalArgumentException("cannot sell " + sold + " of a position of " + position);
        long released = sold == position ? costBasis
                : java.math.BigInteger.valueOf(costBasis).multiply(java.math.BigInteger.valueOf(sold)).divide(java.math.BigInteger.valueOf(position)).longValueExact();
        long pnl = f.notional() - f.fee() - released;
        return new Portfolio(market, newCash, position - sold, costBasis - released, realizedPnl + pnl, feesPaid + f.fee(), tradedNotional + f.notional());
    }
}
