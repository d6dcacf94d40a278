package io.conflux.features;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a warm-up promises: from the declared row on, a value no longer depends on where the history started.
 * The trading agent computes features on the last few hundred candles, the trainer on years; both must see the
 * same numbers. Checked per feature (each alone, so its own warm-up is what is tested) on real data, by starting
 * the history at random candles and comparing with the full history: within 1% of the feature's standard
 * deviation for the first 50 rows after the warm-up.
 */
class FeatureWarmUpTest {

    @Test
    void hourly_everyFeatureFromItsWarmUpOn_matchesAFullHistory() {
        assertHistoryStartDoesNotMatter(TestCandles.real("btc-usdt-1h.csv"));
    }

    @Test
    void daily_everyFeatureFromItsWarmUpOn_matchesAFullHistory() {
        assertHistoryStartDoesNotMatter(TestCandles.real("btc-usd-1d.csv"));
    }

    private static void assertHistoryStartDoesNotMatter(Candles candles) {
        Segment longest = candles.segments().stream().max((a, b) -> Integer.compare(a.size(), b.size())).orElseThrow();
        Instant end = candles.openTime(longest.to() - 1).plusSeconds(1);
        for (Feature feature : FeatureSet.catalog()) {
            FeatureSet one = FeatureSet.of(feature.name());
            FeatureMatrix full = one.compute(candles);
            double std = columnStd(full);
            Random rnd = new Random(11);
            for (int t = 0; t < 20; t++) {
                int start = longest.from() + 300 + rnd.nextInt(longest.size() - 600);
                FeatureMatrix late = one.compute(candles.slice(candles.openTime(start), end));
                assertEquals(start + feature.warmUp(), start + late.candleIndex(0));
                for (int r = 0; r < 50; r++) {
                    int candle = start + late.candleIndex(r);
                    double deviation = Math.abs(late.get(r, 0) - full.get(full.rowOf(candle), 0)) / std;
                    assertTrue(deviation < 0.01, feature.name() + " at " + candles.openTime(candle) + " when the history starts at "
                            + candles.openTime(start) + ": off by " + deviation + " std");
                }
            }
        }
    }

    private static double columnStd(FeatureMatrix m) {
        double s = 0, s2 = 0;
        for (int r = 0; r < m.rows(); r++) {
            s += m.get(r, 0);
            s2 += m.get(r, 0) * m.get(r, 0);
        }
        double mean = s / m.rows();
        return Math.sqrt(s2 / m.rows() - mean * mean);
    }
}
