package io.conflux.features;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.model.ModelTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {

    private static final int W = 32;
    private static final FeatureSet SET = FeatureSet.standard();

    @Test
    void windowsNeverSpanAGap_countedByHand() {
        // Segment A: warm-up + 40 candles -> 40 rows -> windows end at rows 31..39 (9), the last has no label -> 8.
        // Segment B, after a 5-hour gap: warm-up + 20 candles -> 20 rows -> no whole window.
        int a = SET.warmUp() + 40, b = SET.warmUp() + 20;
        List<Candle> candles = new ArrayList<>(TestCandles.randomWalk(a, 1));
        candles.addAll(TestCandles.shift(TestCandles.randomWalk(b, 2), Duration.ofHours(a + 5)));
        Candles c = Candles.of(candles);
        FeatureMatrix m = SET.compute(c);
        assertEquals(60, m.rows());
        Dataset d = Dataset.of(m, Labels.nextCandle(c), W);
        assertEquals(8, d.size());
        assertEquals(SET.warmUp() + W - 1, d.endCandleIndex(0));
        assertEquals(a - 2, d.endCandleIndex(7));
        assertEquals(9, Windows.endRows(m, W).length, "without the label condition the last row of A also ends a window");
        assertTrue(Windows.latestEndRow(m, W).isEmpty(), "segment B is too short to feed the model");
        assertThrows(IllegalArgumentException.class, () -> Windows.window(m, 59, W));
    }

    @Test
    void realHourlyFile_everyWindowIsConsecutiveHours_andItsLabelIsTheNextHour() {
        Candles btc = TestCandles.real("btc-usdt-1h.csv");
        FeatureMatrix m = SET.compute(btc);
        Labels labels = Labels.nextCandle(btc);
        Dataset d = Dataset.of(m, labels, ModelTemplate.standard());
        assertTrue(d.size() > 30_000, "size " + d.size());
        for (int i = 0; i < d.size(); i++) {
            int end = d.endRow(i);
            for (int k = 1; k < W; k++) {
                assertEquals(m.openTime(end - k).plus(btc.interval().multipliedBy(k)), m.openTime(end), "window " + i);
            }
            int candle = d.endCandleIndex(i);
            assertEquals(btc.openTime(candle).plus(btc.interval()), btc.openTime(candle + 1), "next candle of window " + i);
            assertEquals(Labels.classify(Math.log(btc.close(candle + 1) / btc.close(candle)), Labels.DEFAULT_THRESHOLD), d.label(i));
        }
        for (Gap g : btc.gaps()) {
            for (int i = 0; i < d.size(); i++) {
                int first = m.candleIndex(d.endRow(i) - W + 1), last = d.endCandleIndex(i);
                assertFalse(first < g.index() && last + 1 >= g.index(), "window " + i + " or its label crosses the gap at " + g.firstAfter());
            }
        }
    }

    @Test
    void tensor_isWindowsOfRowsRowMajor_asFloats() {
        Candles c = Candles.of(TestCandles.randomWalk(SET.warmUp() + 100, 4));
        FeatureMatrix m = SET.compute(c);
        Dataset d = Dataset.of(m, Labels.nextCandle(c), W);
        float[] x = d.inputs();
        int f = SET.size();
        assertEquals(d.size() * W * f, x.length);
        for (int i = 0; i < d.size(); i += 7) {
            for (int k = 0; k < W; k++) {
                for (int j = 0; j < f; j++) {
                    assertEquals((float) m.get(d.endRow(i) - W + 1 + k, j), x[(i * W + k) * f + j]);
                }
            }
        }
        float[] batch = d.inputs(5, 9);
        assertArrayEquals(java.util.Arrays.copyOfRange(x, 5 * W * f, 9 * W * f), batch);
        assertArrayEquals(Windows.window(m, d.endRow(3), W), java.util.Arrays.copyOfRange(x, 3 * W * f, 4 * W * f));
    }

    @Test
    void split_isChronological_contiguous_andCoversEverything() {
        Candles btc = TestCandles.real("btc-usdt-1h.csv");
        FeatureMatrix m = SET.compute(btc);
        Dataset d = Dataset.of(m, Labels.nextCandle(btc), W);
        List<Dataset> parts = d.split(0.7, 0.15, 0.15);
        assertEquals(d.size(), parts.stream().mapToInt(Dataset::size).sum());
        assertEquals(Math.round(0.7 * d.size()), parts.get(0).size());
        int at = 0;
        for (Dataset p : parts) {
            for (int i = 0; i < p.size(); i++, at++) {
                assertEquals(d.endRow(at), p.endRow(i));
                assertEquals(d.label(at), p.label(i));
            }
        }
        for (int k = 0; k + 1 < parts.size(); k++) {
            Dataset early = parts.get(k), late = parts.get(k + 1);
            assertTrue(early.endTime(early.size() - 1).isBefore(late.endTime(0)));
        }
        assertThrows(IllegalArgumentException.class, () -> d.split(0.7, 0.2));
        assertThrows(IllegalArgumentException.class, () -> d.split(1.2, -0.2));
    }

    @Test
    void normalizedTrainingData_isFittedOnTrainingRowsOnly_andClamped() {
        Candles btc = TestCandles.real("btc-usdt-1h.csv");
        FeatureMatrix m = SET.compute(btc);
        List<Dataset> parts = Dataset.of(m, Labels.nextCandle(btc), ModelTemplate.standard()).split(0.8, 0.2);
        Normalizer n = Normalizer.fit(parts.get(0));
        Dataset train = parts.get(0).normalized(n), validation = parts.get(1).normalized(n);
        assertEquals(parts.get(1).size(), validation.size());
        float[] x = train.inputs(0, 1000);
        for (float v : x) assertTrue(v >= -10 && v <= 10);
        double[] zMean = new double[SET.size()];
        FeatureMatrix z = train.matrix();
        for (int r = train.firstRow(); r <= train.lastRow(); r++) for (int c = 0; c < SET.size(); c++) zMean[c] += z.get(r, c);
        for (int c = 0; c < SET.size(); c++) {
            assertEquals(0, zMean[c] / (train.lastRow() - train.firstRow() + 1), 0.05, SET.names().get(c) + " centred on the training rows");
        }
    }

    @Test
    void templateAndCandleMismatches_areRefused() {
        Candles c = Candles.of(TestCandles.randomWalk(SET.warmUp() + 50, 4));
        FeatureMatrix m = SET.compute(c);
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(m, Labels.nextCandle(c), new ModelTemplate(32, 20, 32, 3)));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(m, Labels.nextCandle(c), new ModelTemplate(32, 24, 32, 2)));
        Candles other = Candles.of(TestCandles.randomWalk(SET.warmUp() + 50, 4));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(m, Labels.nextCandle(other), W));
    }
}
