package io.conflux.agent;

import io.conflux.features.Candles;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The local runtime's feed: recorded candles served as they stood at the time asked for, never a candle
 * that had not closed by then.
 */
public final class ReplayFeed implements MarketFeed {
    private final Map<String, Candles> markets;

    /** @param markets candles by market symbol (e.g. BTC-USDT) */
    public ReplayFeed(Map<String, Candles> markets) {
        this.markets = Map.copyOf(markets);
    }

    @Override
    public Snapshot at(String market, Instant at, int count) {
        Candles c = markets.get(market);
        if (c == null) throw new IllegalArgumentException("the replay feed has no market " + market + " (it has " + markets.keySet() + ")");
        Instant lastClosedOpen = at.minus(c.interval()); // a candle that opened then has closed by now
        int end = c.indexAtOrAfter(lastClosedOpen.plusNanos(1));
        int from = Math.max(0, end - count);
        Candles closed = end == 0 ? c.slice(at, at) : c.slice(c.openTime(from), lastClosedOpen.plusNanos(1));
        int forming = c.indexAtOrAfter(at);
        Optional<PaperBroker.Quote> quote = forming < c.size() && c.openTime(forming).equals(at)
                ? Optional.of(new PaperBroker.Quote(at, c.get(forming).open())) : Optional.empty();
        return new Snapshot(closed, quote);
    }
}
