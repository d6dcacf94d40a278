package io.conflux.agent;

import java.math.RoundingMode;
import java.time.Instant;

/**
 * Fills market orders at the open of the next candle after the order, moved against the order by a
 * slippage of {@code slippageBps} (a buy pays more, a sell gets less), and charges a fee of {@code feeBps}
 * of the notional, rounded up to a whole quote unit. Buying rounds the notional up and selling rounds it
 * down: rounding never favours the book. The caller supplies the next open (the backtester from history, the
 * tick from the feed's forming candle); a tick's order fills once because the tick is recorded once.
 */
public final class PaperBroker {

    /** A price at a time: the open a market order fills near. */
    public record Quote(Instant at, double price) {}

    private final double feeBps;
    private final double slippageBps;

    public PaperBroker(double feeBps, double slippageBps) {
        if (feeBps < 0 || slippageBps < 0) throw new IllegalArgumentException("fee and slippage are not negative");
        this.feeBps = feeBps;
        this.slippageBps = slippageBps;
    }

    /** The fill of {@code order} at {@code quote}: slippage against the order, fee rounded up. */
    public Fill fill(Broker.Order order, Quote quote) {
        boolean buy = order.quantity() > 0;
        double price = quote.price() * (buy ? 1 + slippageBps / 1e4 : 1 - slippageBps / 1e4);
        long quantity = Math.abs(order.quantity());
        long notional = order.market().notional(quantity, price, buy ? RoundingMode.CEILING : RoundingMode.FLOOR);
        long fee = (long) Math.ceil(notional * feeBps / 1e4);
        return new Fill(order.clientOrderId(), quote.at(), price, order.quantity(), notional, fee);
    }

    /**
     * The fill of {@code order} at {@code quote} that {@code book} can take: a buy is cut until its cost (fee
     * included) fits the cash, a sale to the position held; null when nothing fits.
     */
    public Fill fillWithin(Broker.Order order, Quote quote, Portfolio book) {
        Fill f = fill(order, quote);
        if (!f.buy()) {
            if (-f.quantity() <= book.position()) return f;
            return book.position() == 0 ? null : fill(new Broker.Order(order.clientOrderId(), order.market(), -book.position(), order.placedAt()), quote);
        }
        long qty = order.quantity();
        while (f.notional() + f.fee() > book.cash()) {
            qty = Math.min(qty - 1, book.market().quantityFor((long) Math.floor(book.cash() / (1 + feeBps / 1e4)), f.price()));
            if (qty <= 0) return null;
            f = fill(new Broker.Order(order.clientOrderId(), order.market(), qty, order.placedAt()), quote);
        }
        return f;
    }

    public double feeBps() {
        return feeBps;
    }

    public double slippageBps() {
        return slippageBps;
    }
}
