package io.conflux.agent;

import io.conflux.features.Candles;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Where the agent gets its candles: an exchange's public REST candles endpoint, or on the local runtime a
 * replay of the shipped candles.
 */
public interface MarketFeed {

    /**
     * @param closed  up to {@code count} candles that had closed by the time asked for, oldest first
     * @param forming the open of the candle that opened at that time, when the feed has it: the price a
     *                market order placed then fills near (the paper broker's next open)
     */
    record Snapshot(Candles closed, Optional<PaperBroker.Quote> forming) {}

    /** The market as it stood at {@code at}. */
    Snapshot at(String market, Instant at, int count) throws IOException;
}
