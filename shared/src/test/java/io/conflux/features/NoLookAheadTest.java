package io.conflux.features;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Nothing computed for candle t may depend on a candle after t. Real BTC hours are computed, then every candle
 * after t is replaced by a random one (prices, range and volume, zero volumes included; times kept), and all
 * that belongs to t or earlier must be identical to the bit: feature rows, a normalizer fitted on those rows,
 * the normalized rows, the labels of candles before t, and the windows that end before t.
 */
class NoLookAheadTest {

    private static final FeatureSet SET = FeatureSet.standard();

    @Test
    void firstMonthsOf2018_includingTheFebruaryOutage_atSeveralCuts() {
        Candles btc = TestCandles.real("btc-usdt-1h.csv");
        Candles part = btc.slice(Instant.parse("2018-01-01T00:00:00Z"), Instant.parse("2018-05-01T00:00:00Z"));
        assertFalse(part.gaps().isEmpty());
        int firstRow = SET.compute(part).candleIndex(0);
        for (int t : new int[] {firstRow, 700, 900, 1500, part.size() - 2}) assertNothingBeforeCutMoves(part, t, t);
    }

    @Test
    void wholeHourlyFile_cutInTheMiddle() {
        Candles btc = TestCandles.real("btc-usdt-1h.csv");
        assertNothingBeforeCutMoves(btc, btc.size() / 2, 1);
    }

    private static void assertNothingBeforeCutMoves(Candles candles, int t, long seed) {
        Candles perturbed = perturbAfter(candles, t, new Random(seed));
        assertEquals(candles.get(t), perturbed.get(t));
        assertNotEquals(candles.get(t + 1), perturbed.get(t + 1));

        FeatureMatrix a = SET.compute(candles), b = SET.compute(perturbed);
        int rows = 0;
        while (rows < a.rows() && a.candleIndex(rows) <= t) rows++;
        assertTrue(rows > 0, "cut " + t + " leaves rows to compare");
        for (int r = 0; r < rows; r++) {
            assertEquals(a.candleIndex(r), b.candleIndex(r));
            double[] x = a.row(r), y = b.row(r);
            for (int c = 0; c < x.length; c++) {
                assertEquals(Double.doubleToRawLongBits(x[c]), Double.doubleToRawLongBits(y[c]),
                        SET.names().get(c) + " at " + a.openTime(r) + " changed when candles after " + candles.openTime(t) + " changed");
            }
        }
        if (rows < a.rows()) assertFalse(java.util.Arrays.equals(a.row(rows), b.row(rows)), "the perturbation does reach later rows");

        Normalizer na = Normalizer.fit(a, 0, rows), nb = Normalizer.fit(b, 0, rows);
        assertEquals(na, nb);
        FeatureMatrix za = na.apply(a), zb = nb.apply(b);
        for (int r = 0; r < rows; r++) assertArrayEquals(za.row(r), zb.row(r));

        Labels la = Labels.nextCandle(candles), lb = Labels.nextCandle(perturbed);
        for (int i = 0; i < t; i++) assertEquals(la.get(i), lb.get(i), "label of candle " + i);

        Dataset da = Dataset.of(a, la, 32), db = Dataset.of(b, lb, 32);
        int before = 0;
        while (before < da.size() && da.endCandleIndex(before) < t) before++;
        assertArrayEquals(da.inputs(0, before), db.inputs(0, before));
        for (int i = 0; i < before; i++) assertEquals(da.label(i), db.label(i));
    }

    /** The same candles up to and including t; after t, a random walk from a random level, times unchanged. */
    private static Candles perturbAfter(Candles candles, int t, Random rnd) {
        List<Candle> out = new ArrayList<>(candles.toList().subList(0, t + 1));
        double price = candles.close(t) * (0.5 + rnd.nextDouble());
        for (int i = t + 1; i < candles.size(); i++) {
            Candle k = TestCandles.randomCandle(rnd, candles.openTime(i), price);
            if (rnd.nextInt(50) == 0) k = new Candle(k.openTime(), k.open(), k.high(), k.low(), k.close(), 0);
            out.add(k);
            price = k.close();
        }
        return Candles.of(out, candles.interval());
    }
}
