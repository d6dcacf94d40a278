package io.conflux.features;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureSetTest {

    private static final FeatureSet STANDARD = FeatureSet.standard();

    @Test
    void firstRow_isTheCandleAtTheDeclaredWarmUp_forTheSetAndForEachFeatureAlone() {
        Candles daily = TestCandles.real("btc-usd-1d.csv");
        FeatureMatrix m = STANDARD.compute(daily);
        assertEquals(STANDARD.warmUp(), m.candleIndex(0));
        assertEquals(daily.size() - STANDARD.warmUp(), m.rows());
        assertEquals(STANDARD.features().stream().mapToInt(Feature::warmUp).max().orElseThrow(), STANDARD.warmUp());
        for (Feature f : FeatureSet.catalog()) {
            FeatureMatrix one = FeatureSet.of(f.name()).compute(daily);
            assertEquals(f.warmUp(), one.candleIndex(0), f.name());
        }
    }

    @Test
    void everySegmentOfTheRealHourlyFile_startsItsRowsAfterItsOwnWarmUp() {
        Candles btc = TestCandles.real("btc-usdt-1h.csv");
        FeatureMatrix m = STANDARD.compute(btc);
        int w = STANDARD.warmUp(), expectedRows = 0, row = 0;
        for (int s = 0; s < btc.segments().size(); s++) {
            Segment seg = btc.segments().get(s);
            for (int i = seg.from() + w; i < seg.to(); i++, row++) {
                assertEquals(i, m.candleIndex(row));
                assertEquals(s, m.segment(row));
            }
            expectedRows += Math.max(0, seg.size() - w);
        }
        assertEquals(expectedRows, m.rows());
        for (double x : m.values()) assertTrue(Double.isFinite(x));
    }

    @Test
    void featuresAfterAGap_doNotDependOnAnyCandleBeforeIt() {
        Candles btc = TestCandles.real("btc-usdt-1h.csv");
        FeatureMatrix m = STANDARD.compute(btc);
        Gap gap = btc.gaps().get(10);
        // Re-draw every candle before the gap; the rows after it must not move by a single bit.
        Random rnd = new Random(3);
        List<Candle> changed = new ArrayList<>(btc.toList());
        for (int i = 0; i < gap.index(); i++) {
            changed.set(i, TestCandles.randomCandle(rnd, changed.get(i).openTime(), 50 + rnd.nextDouble() * 1000));
        }
        FeatureMatrix after = STANDARD.compute(Candles.of(changed, btc.interval()));
        int from = m.rowOf(gap.index() + STANDARD.warmUp());
        assertEquals(from, after.rowOf(gap.index() + STANDARD.warmUp()));
        assertTrue(m.rows() - from > 1000);
        for (int r = from; r < m.rows(); r++) assertArrayEquals(m.row(r), after.row(r), "row " + r);
    }

    @Test
    void haltedMarket_flatZeroVolumeCandles_giveFiniteAndDefinedValues() {
        List<Candle> candles = new ArrayList<>(TestCandles.randomWalk(200, 5));
        double price = candles.get(199).close();
        candles.addAll(TestCandles.halted(candles.get(199).openTime().plus(TestCandles.HOUR), 60, price));
        candles.addAll(TestCandles.shift(TestCandles.randomWalk(100, 6), Duration.ofHours(260)));
        FeatureMatrix m = STANDARD.compute(Candles.of(candles));
        for (double x : m.values()) assertTrue(Double.isFinite(x));

        int row = m.rowOf(259); // the 60th halted hour: every window of up to 24 candles is flat and empty
        assertEquals(50, value(m, row, "stoch_k_14"));
        assertEquals(50, value(m, row, "stoch_d_3"), 1e-9, "ta4j's running SMA total leaves rounding");
        assertEquals(0.5, value(m, row, "bb_percent_b_20"));
        assertEquals(0, value(m, row, "bb_width_20"), 1e-12);
        assertEquals(0, value(m, row, "cci_20"));
        assertEquals(0, value(m, row, "obv_flow_20"));
        assertEquals(0, value(m, row, "cmf_20"));
        assertEquals(50, value(m, row, "mfi_14"));
        assertEquals(0, value(m, row, "volume_z_24"));
        assertEquals(0, value(m, row, "roc_10"));
        assertEquals(0, value(m, row, "log_return_1"));
        assertEquals(0, value(m, row, "log_return_24"));
        assertEquals(0, value(m, row, "realized_vol_24"));
    }

    @Test
    void aSeriesThatStartsHalted_hasNeutralValuesRatherThanNaN() {
        List<Candle> candles = new ArrayList<>(TestCandles.halted(TestCandles.T0, 200, 276.8));
        candles.addAll(TestCandles.shift(TestCandles.randomWalk(50, 8), Duration.ofHours(200)));
        FeatureMatrix m = STANDARD.compute(Candles.of(candles));
        for (double x : m.values()) assertTrue(Double.isFinite(x));
        int row = m.rowOf(199);
        assertEquals(50, value(m, row, "rsi_14"), "no gain and no loss ever");
        assertEquals(0, value(m, row, "plus_di_14"));
        assertEquals(0, value(m, row, "minus_di_14"));
        assertEquals(0, value(m, row, "adx_14"));
        assertEquals(0, value(m, row, "atr_14"));
        assertEquals(0, value(m, row, "macd_12_26"));
        assertEquals(0, value(m, row, "ema_12_ratio"));
        assertEquals(50, value(m, row, "mfi_14"));
    }

    @Test
    void realZeroVolumeDays_inTheBitstampFile_giveFiniteValues_evenAsTheFirstCandles() {
        Candles daily = TestCandles.real("btc-usd-1d.csv");
        assertEquals(8, daily.report().zeroVolume());
        FeatureMatrix m = STANDARD.compute(daily);
        for (double x : m.values()) assertTrue(Double.isFinite(x));
        assertTrue(m.rowOf(daily.indexAtOrAfter(java.time.Instant.parse("2015-08-06T00:00:00Z"))) >= 0, "a flat day past the warm-up");
        // History starting on the first day of the January 2015 halt: six flat, empty days first.
        Candles fromHalt = daily.slice(java.time.Instant.parse("2015-01-06T00:00:00Z"), java.time.Instant.parse("2016-01-01T00:00:00Z"));
        assertTrue(fromHalt.get(0).isFlat() && fromHalt.get(5).isFlat() && fromHalt.get(0).volume() == 0);
        for (double x : STANDARD.compute(fromHalt).values()) assertTrue(Double.isFinite(x));
    }

    @Test
    void aNonFiniteValue_isABug_reportedWithFeatureAndTime() {
        List<Candle> candles = new ArrayList<>(TestCandles.randomWalk(300, 9));
        double p = candles.get(249).close();
        // An absurd volume on a rising candle: typical price x volume overflows the money flow index.
        Candle absurd = new Candle(candles.get(250).openTime(), p, 2 * p, p, 2 * p, Double.MAX_VALUE);
        candles.set(250, absurd);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> STANDARD.compute(Candles.of(candles)));
        assertEquals("feature 'mfi_14' is NaN at " + absurd.openTime() + " (candle 250 of candles)", e.getMessage());
    }

    @Test
    void unknownOrRepeatedFeatures_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> FeatureSet.of("rsi_15"));
        assertThrows(IllegalArgumentException.class, () -> FeatureSet.of("rsi_14", "rsi_14"));
        assertThrows(IllegalArgumentException.class, FeatureSet::of);
    }

    @Test
    void segmentsShorterThanTheWarmUp_yieldNoRows_andCandlesNeededSaysHowManyToFetch() {
        int need = STANDARD.candlesNeeded(32);
        assertEquals(STANDARD.warmUp() + 32, need);
        FeatureMatrix m = STANDARD.compute(Candles.of(TestCandles.randomWalk(need, 1)));
        assertEquals(32, m.rows());
        assertTrue(Windows.latestEndRow(m, 32).isPresent());
        assertEquals(0, STANDARD.compute(Candles.of(TestCandles.randomWalk(STANDARD.warmUp(), 1))).rows());
    }

    private static double value(FeatureMatrix m, int row, String name) {
        return m.get(row, m.names().indexOf(name));
    }
}
