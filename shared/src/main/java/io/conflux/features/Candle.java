package io.conflux.features;

import java.time.Instant;
import java.util.Objects;

/**
 * One OHLCV candle: the prices of an interval that opened at {@code openTime} (UTC), in the quote currency,
 * and the volume traded in the base asset.
 *
 * <p>A candle that cannot have come from an exchange is refused here, once, so that no feature has to guard
 * against it: prices must be positive and finite, volume finite and not negative, and the high and low must
 * bracket the open and the close. A zero volume is legal (an exchange halt prints flat, empty candles).
 */
public record Candle(Instant openTime, double open, double high, double low, double close, double volume) {

    public Candle {
        Objects.requireNonNull(openTime, "openTime");
        requirePrice("open", open);
        requirePrice("high", high);
        requirePrice("low", low);
        requirePrice("close", close);
        if (!Double.isFinite(volume) || volume < 0) {
            throw new IllegalArgumentException("volume must be finite and not negative, was " + volume);
        }
        if (high < Math.max(open, close)) {
            throw new IllegalArgumentException("high " + high + " is below max(open, close) " + Math.max(open, close));
        }
        if (low > Math.min(open, close)) {
            throw new IllegalArgumentException("low " + low + " is above min(open, close) " + Math.min(open, close));
        }
    }

    private static void requirePrice(String name, double value) {
        if (!Double.isFinite(value) || value <= 0) {
            throw new IllegalArgumentException(name + " must be a positive finite price, was " + value);
        }
    }

    /** True when all four prices are equal: no price range to locate the close in (typical of a halted market). */
    public boolean isFlat() {
        return high == low;
    }
}
