package io.conflux.features;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CandleTest {
    private static final Instant T = Instant.parse("2021-01-01T00:00:00Z");

    @Test
    void acceptsAFlatZeroVolumeCandle_asAHaltedExchangePrintsThem() {
        Candle c = new Candle(T, 276.8, 276.8, 276.8, 276.8, 0);
        assertTrue(c.isFlat());
    }

    @Test
    void refusesImpossibleCandles_withTheReason() {
        assertMessage("high 9.0 is below max(open, close) 10.0", () -> new Candle(T, 10, 9, 8, 9, 1));
        assertMessage("low 9.5 is above min(open, close) 9.0", () -> new Candle(T, 10, 11, 9.5, 9, 1));
        assertMessage("open must be a positive finite price, was 0.0", () -> new Candle(T, 0, 11, 9, 9, 1));
        assertMessage("close must be a positive finite price, was NaN", () -> new Candle(T, 10, 11, 9, Double.NaN, 1));
        assertMessage("high must be a positive finite price, was Infinity", () -> new Candle(T, 10, Double.POSITIVE_INFINITY, 9, 9, 1));
        assertMessage("volume must be finite and not negative, was -1.0", () -> new Candle(T, 10, 11, 9, 9, -1));
        assertThrows(NullPointerException.class, () -> new Candle(null, 10, 11, 9, 9, 1));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
    }
}
