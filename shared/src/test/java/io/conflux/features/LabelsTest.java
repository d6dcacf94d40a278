package io.conflux.features;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {

    /** Closes chosen so that each next-candle log return is clearly on one side of 0.1%. */
    private static Candles series(double... closes) {
        List<Candle> out = new ArrayList<>();
        for (int i = 0; i < closes.length; i++) {
            double c = closes[i];
            // candles 0-4, then a two-hour gap, then the rest
            out.add(new Candle(TestCandles.T0.plus(Duration.ofHours(i < 5 ? i : i + 2)), c, c * 1.01, c * 0.99, c, 1));
        }
        return Candles.of(out, Duration.ofHours(1));
    }

    @Test
    void nextCandleDirection_withTheDefaultThreshold() {
        Candles c = series(100, 100.2, 100.2, 100.15, 99.9, 50, 50.2, 49.9);
        Labels labels = Labels.nextCandle(c);
        assertEquals(Labels.UP, labels.get(0), "+0.2%");
        assertEquals(Labels.FLAT, labels.get(1), "unchanged");
        assertEquals(Labels.FLAT, labels.get(2), "-0.05% is inside 0.1%");
        assertEquals(Labels.DOWN, labels.get(3), "-0.25%");
        assertEquals(Labels.NONE, labels.get(4), "the next candle is missing (gap): the 50% drop across it is no label");
        assertEquals(Labels.UP, labels.get(5), "+0.4%");
        assertEquals(Labels.DOWN, labels.get(6), "-0.6%");
        assertEquals(Labels.NONE, labels.get(7), "the last candle has no next candle");
        assertArrayEquals(new int[] {2, 2, 2}, labels.counts());
    }

    @Test
    void theThresholdIsAParameter_andItsBoundaryIsFlat() {
        Candles c = series(100, 100.2, 100.2, 100.15, 99.9, 50, 50.2, 49.9);
        Labels wide = Labels.nextCandle(c, 0.005);
        for (int i : new int[] {0, 1, 2, 3, 5}) assertEquals(Labels.FLAT, wide.get(i));
        assertEquals(Labels.DOWN, wide.get(6), "-0.6% is still beyond 0.5%");
        assertEquals(Labels.FLAT, Labels.classify(0.001, 0.001));
        assertEquals(Labels.FLAT, Labels.classify(-0.001, 0.001));
        assertEquals(Labels.UP, Labels.classify(Math.nextUp(0.001), 0.001));
        assertEquals(Labels.DOWN, Labels.classify(-Math.nextUp(0.001), 0.001));
        assertEquals(Labels.UP, Labels.nextCandle(c, 0).get(0));
        assertThrows(IllegalArgumentException.class, () -> Labels.nextCandle(c, -0.001));
        assertThrows(IllegalArgumentException.class, () -> Labels.nextCandle(c, Double.NaN));
    }

    @Test
    void classNumbers_areThoseOfTheModelTemplate() {
        assertEquals(io.conflux.model.ModelTemplate.standard().classes(), Labels.CLASSES);
        assertEquals(0, Labels.DOWN);
        assertEquals(1, Labels.FLAT);
        assertEquals(2, Labels.UP);
    }
}
