package io.conflux.features;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.model.ModelTemplate;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.indicators.volume.ChaikinMoneyFlowIndicator;
import org.ta4j.core.indicators.volume.MoneyFlowIndexIndicator;
import org.ta4j.core.num.DoubleNumFactory;

/**
 * Every standard feature against a plain, independent computation of its textbook definition, on a random walk
 * of 400 hourly candles. Exponential averages are seeded the way ta4j seeds them (the input at index p), which is
 * the one convention these references share with the implementation; {@link #rsi_convergesToClassicWilderRsi()}
 * shows the seed no longer matters after the warm-up.
 */
class FeatureReferenceTest {

    private static Candles candles;
    private static FeatureMatrix m;
    private static double[] o, h, l, c, v;

    @BeforeAll
    static void compute() {
        candles = Candles.of(TestCandles.randomWalk(400, 42));
        m = FeatureSet.standard().compute(candles);
        int n = candles.size();
        o = new double[n]; h = new double[n]; l = new double[n]; c = new double[n]; v = new double[n];
        for (int i = 0; i < n; i++) {
            Candle k = candles.get(i);
            o[i] = k.open(); h[i] = k.high(); l[i] = k.low(); c[i] = k.close(); v[i] = k.volume();
        }
    }

    @Test
    void standardSet_isTheTemplatesWidth() {
        assertEquals(ModelTemplate.standard().features(), FeatureSet.standard().size());
        assertEquals(24, FeatureSet.standard().names().size());
        assertEquals(FeatureSet.standard().names(), m.names());
        assertEquals(400 - FeatureSet.standard().warmUp(), m.rows());
    }

    @Test
    void logReturns_andRealizedVolatility() {
        check("log_return_1", i -> Math.log(c[i] / c[i - 1]));
        check("log_return_4", i -> Math.log(c[i] / c[i - 4]));
        check("log_return_24", i -> Math.log(c[i] / c[i - 24]));
        check("realized_vol_24", i -> {
            double[] r = new double[24];
            for (int k = 0; k < 24; k++) r[k] = Math.log(c[i - k] / c[i - k - 1]);
            return populationStd(r);
        });
    }

    @Test
    void movingAverageRatios_andRateOfChange() {
        check("sma_50_ratio", i -> mean(c, i - 49, i) / c[i] - 1);
        double[] ema12 = ema(c, 12, 2.0 / 13);
        check("ema_12_ratio", i -> ema12[i] / c[i] - 1);
        check("roc_10", i -> 100 * (c[i] - c[i - 10]) / c[i - 10]);
    }

    @Test
    void macd_lineSignalAndHistogram() {
        double[] e12 = ema(c, 12, 2.0 / 13), e26 = ema(c, 26, 2.0 / 27);
        double[] line = new double[c.length];
        for (int i = 0; i < c.length; i++) line[i] = i < 26 ? Double.NaN : e12[i] - e26[i];
        double[] signal = ema(line, 26, 0.2); // seeded where the line starts
        check("macd_12_26", i -> line[i] / c[i]);
        check("macd_signal_9", i -> signal[i] / c[i]);
        check("macd_hist_9", i -> (line[i] - signal[i]) / c[i]);
    }

    @Test
    void rsi_isWildersRatioOfSmoothedGainsAndLosses() {
        double[] gain = new double[c.length], loss = new double[c.length];
        for (int i = 1; i < c.length; i++) {
            gain[i] = Math.max(0, c[i] - c[i - 1]);
            loss[i] = Math.max(0, c[i - 1] - c[i]);
        }
        double[] g = ema(gain, 14, 1.0 / 14), d = ema(loss, 14, 1.0 / 14);
        check("rsi_14", i -> 100 - 100 / (1 + g[i] / d[i]));
    }

    @Test
    void rsi_convergesToClassicWilderRsi() {
        // Wilder's own seed: the plain mean of the first 14 changes. After the warm-up the seed must not matter.
        double avgGain = 0, avgLoss = 0;
        for (int i = 1; i <= 14; i++) {
            avgGain += Math.max(0, c[i] - c[i - 1]) / 14;
            avgLoss += Math.max(0, c[i - 1] - c[i]) / 14;
        }
        int col = m.names().indexOf("rsi_14");
        for (int i = 15; i < c.length; i++) {
            avgGain = (avgGain * 13 + Math.max(0, c[i] - c[i - 1])) / 14;
            avgLoss = (avgLoss * 13 + Math.max(0, c[i - 1] - c[i])) / 14;
            int row = m.rowOf(i);
            if (row >= 0) assertEquals(100 - 100 / (1 + avgGain / avgLoss), m.get(row, col), 0.05, "candle " + i);
        }
    }

    @Test
    void bollinger_percentBAndWidth() {
        check("bb_percent_b_20", i -> {
            double mid = mean(c, i - 19, i), sd = populationStd(java.util.Arrays.copyOfRange(c, i - 19, i + 1));
            return (c[i] - (mid - 2 * sd)) / (4 * sd);
        });
        check("bb_width_20", i -> 4 * populationStd(java.util.Arrays.copyOfRange(c, i - 19, i + 1)) / mean(c, i - 19, i));
    }

    @Test
    void atr_directionalMovement_andAdx() {
        int n = c.length;
        double[] tr = new double[n], plusDm = new double[n], minusDm = new double[n];
        tr[0] = h[0] - l[0];
        for (int i = 1; i < n; i++) {
            tr[i] = Math.max(h[i] - l[i], Math.max(Math.abs(h[i] - c[i - 1]), Math.abs(l[i] - c[i - 1])));
            double up = h[i] - h[i - 1], down = l[i - 1] - l[i];
            plusDm[i] = up > down && up > 0 ? up : 0;
            minusDm[i] = down > up && down > 0 ? down : 0;
        }
        double[] atr = ema(tr, 14, 1.0 / 14), pdm = ema(plusDm, 14, 1.0 / 14), mdm = ema(minusDm, 14, 1.0 / 14);
        double[] pdi = new double[n], mdi = new double[n], dx = new double[n];
        for (int i = 0; i < n; i++) {
            pdi[i] = 100 * pdm[i] / atr[i];
            mdi[i] = 100 * mdm[i] / atr[i];
            // No directional movement at all (an inside candle as the seed) is defined as DX 0, as ta4j does.
            dx[i] = pdi[i] + mdi[i] == 0 ? 0 : 100 * Math.abs(pdi[i] - mdi[i]) / (pdi[i] + mdi[i]);
        }
        double[] adx = ema(dx, 14, 1.0 / 14);
        check("atr_14", i -> atr[i] / c[i]);
        check("plus_di_14", i -> pdi[i]);
        check("minus_di_14", i -> mdi[i]);
        check("adx_14", i -> adx[i]);
    }

    @Test
    void stochastic_kAndD() {
        Function<Integer, Double> k = i -> {
            double hh = Double.NEGATIVE_INFINITY, ll = Double.POSITIVE_INFINITY;
            for (int j = i - 13; j <= i; j++) {
                hh = Math.max(hh, h[j]);
                ll = Math.min(ll, l[j]);
            }
            return 100 * (c[i] - ll) / (hh - ll);
        };
        check("stoch_k_14", k::apply);
        check("stoch_d_3", i -> (k.apply(i) + k.apply(i - 1) + k.apply(i - 2)) / 3);
    }

    @Test
    void cci_ofTheTypicalPrice() {
        double[] tp = new double[c.length];
        for (int i = 0; i < c.length; i++) tp[i] = (h[i] + l[i] + c[i]) / 3;
        check("cci_20", i -> {
            double sma = mean(tp, i - 19, i), md = 0;
            for (int j = i - 19; j <= i; j++) md += Math.abs(tp[j] - sma) / 20;
            return (tp[i] - sma) / (0.015 * md);
        });
    }

    @Test
    void volumeFeatures_obvFlowCmfMfiAndVolumeZ() {
        check("obv_flow_20", i -> {
            double signed = 0, total = 0;
            for (int j = i - 19; j <= i; j++) {
                signed += Math.signum(c[j] - c[j - 1]) * v[j];
                total += v[j];
            }
            return signed / total;
        });
        check("cmf_20", i -> {
            double flow = 0, total = 0;
            for (int j = i - 19; j <= i; j++) {
                flow += ((c[j] - l[j]) - (h[j] - c[j])) / (h[j] - l[j]) * v[j];
                total += v[j];
            }
            return flow / total;
        });
        check("mfi_14", i -> {
            double up = 0, down = 0;
            for (int j = i - 13; j <= i; j++) {
                double tp = (h[j] + l[j] + c[j]) / 3, before = (h[j - 1] + l[j - 1] + c[j - 1]) / 3;
                if (tp > before) up += tp * v[j]; else if (tp < before) down += tp * v[j];
            }
            return 100 - 100 / (1 + up / down);
        });
        check("volume_z_24", i -> {
            double[] w = java.util.Arrays.copyOfRange(v, i - 23, i + 1);
            return (v[i] - mean(w, 0, 23)) / populationStd(w);
        });
    }

    @Test
    void cmfAndMfi_agreeWithTa4jsOwnIndicators_whereThoseAreDefined() {
        // On real BTC hours ta4j's CMF is NaN only near flat candles and its MFI's floor of 1 on money flows
        // never binds (flows are thousands of USDT), so there both definitions must give the same numbers.
        Candles btc = TestCandles.real("btc-usdt-1h.csv");
        Segment seg = btc.segments().stream().max((a, b) -> Integer.compare(a.size(), b.size())).orElseThrow();
        Candles part = btc.slice(btc.openTime(seg.from()), btc.openTime(seg.to() - 1).plusSeconds(1));
        FeatureMatrix ours = FeatureSet.of("cmf_20", "mfi_14").compute(part);
        BarSeries series = new BaseBarSeriesBuilder().withNumFactory(DoubleNumFactory.getInstance()).build();
        for (Candle k : part.toList()) {
            series.barBuilder().timePeriod(part.interval()).endTime(k.openTime().plus(part.interval()))
                    .openPrice(k.open()).highPrice(k.high()).lowPrice(k.low()).closePrice(k.close()).volume(k.volume()).add();
        }
        ChaikinMoneyFlowIndicator cmf = new ChaikinMoneyFlowIndicator(series, 20);
        MoneyFlowIndexIndicator mfi = new MoneyFlowIndexIndicator(series, 14);
        int compared = 0;
        for (int r = 0; r < ours.rows(); r++) {
            int i = ours.candleIndex(r);
            double theirs = cmf.getValue(i).doubleValue();
            if (!Double.isNaN(theirs)) {
                assertEquals(theirs, ours.get(r, 0), 1e-9, "CMF at " + part.openTime(i));
                compared++;
            }
            assertEquals(mfi.getValue(i).doubleValue(), ours.get(r, 1), 1e-9, "MFI at " + part.openTime(i));
        }
        assertTrue(compared > 3000, "compared " + compared);
    }

    // ---- helpers ----

    /** Asserts the feature's value at every emitted row equals the reference at that row's candle. */
    private static void check(String feature, Function<Integer, Double> reference) {
        int col = m.names().indexOf(feature);
        assertTrue(col >= 0, feature);
        for (int r = 0; r < m.rows(); r++) {
            int i = m.candleIndex(r);
            double expected = reference.apply(i);
            assertEquals(expected, m.get(r, col), 1e-9 * Math.max(1, Math.abs(expected)), feature + " at candle " + i);
        }
    }

    /** Exponential average seeded with the input at index {@code seed} (ta4j's convention), NaN before. */
    private static double[] ema(double[] x, int seed, double alpha) {
        double[] out = new double[x.length];
        java.util.Arrays.fill(out, Double.NaN);
        out[seed] = x[seed];
        for (int i = seed + 1; i < x.length; i++) out[i] = out[i - 1] + alpha * (x[i] - out[i - 1]);
        return out;
    }

    private static double mean(double[] x, int from, int to) {
        double s = 0;
        for (int j = from; j <= to; j++) s += x[j];
        return s / (to - from + 1);
    }

    private static double populationStd(double[] x) {
        double mu = mean(x, 0, x.length - 1), s = 0;
        for (double d : x) s += (d - mu) * (d - mu);
        return Math.sqrt(s / x.length);
    }
}
