package io.conflux.features;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ta4j.core.BarSeries;
import org.ta4j.core.Indicator;
import org.ta4j.core.indicators.ATRIndicator;
import org.ta4j.core.indicators.AbstractIndicator;
import org.ta4j.core.indicators.MACDIndicator;
import org.ta4j.core.indicators.ROCIndicator;
import org.ta4j.core.indicators.adx.ADXIndicator;
import org.ta4j.core.indicators.adx.MinusDIIndicator;
import org.ta4j.core.indicators.adx.PlusDIIndicator;
import org.ta4j.core.indicators.averages.EMAIndicator;
import org.ta4j.core.indicators.averages.MMAIndicator;
import org.ta4j.core.indicators.averages.SMAIndicator;
import org.ta4j.core.indicators.helpers.GainIndicator;
import org.ta4j.core.indicators.helpers.HighPriceIndicator;
import org.ta4j.core.indicators.helpers.HighestValueIndicator;
import org.ta4j.core.indicators.helpers.LossIndicator;
import org.ta4j.core.indicators.helpers.LowPriceIndicator;
import org.ta4j.core.indicators.helpers.LowestValueIndicator;
import org.ta4j.core.indicators.helpers.TypicalPriceIndicator;
import org.ta4j.core.indicators.statistics.MeanDeviationIndicator;
import org.ta4j.core.indicators.statistics.StandardDeviationIndicator;
import org.ta4j.core.indicators.volume.OnBalanceVolumeIndicator;
import org.ta4j.core.num.Num;

/**
 * Every feature this build knows, with how it is computed on one segment. The standard set is the first 24.
 *
 * <p>ta4j does the smoothing and the rolling statistics (EMA/MMA seeding, MACD, ATR, directional movement,
 * Bollinger and CCI statistics, OBV, ROC). Where an indicator divides by a range or a dispersion that a flat,
 * zero-volume candle run makes zero, the ratio is taken here with the degenerate case defined, because ta4j 0.22
 * answers NaN there (stochastic, Chaikin money flow: NaN for 20 candles after any flat candle) or rounding noise
 * (Bollinger %B and CCI over a flat window divide 1e-14 by 1e-14), or clamps money flows at 1 (MFI, which makes
 * it depend on the price scale). Volume sums are exact windowed sums for the same reason: a running total keeps
 * a rounding residue where the true sum is zero.
 *
 * <p>Warm-ups: a rolling window of n candles is valid from index n-1 (n if it also needs the previous close).
 * ta4j seeds an exponential average with the single input value at its period p, which can be far from the
 * average it stands for (one candle's gain against fourteen candles' mean gain is easily 100x off). So an
 * exponential average counts as valid once the seed's weight (1-a)^k is below 1e-4: a seed 100x off then moves
 * the value by about 1% of its spread. k = 56 for EMA(12), 120 for EMA(26), 125 for Wilder's 1/14; the MACD
 * signal inherits the line's slower decay amplified 1.47x (125 steps); ADX averages a DX that is itself
 * settling, (1 + k/14)(13/14)^k < 1e-4 (159 steps). ta4j's getCountOfUnstableBars() (14 for RSI, 29 for ADX)
 * only says when a first number appears. Calibrated on five real files and held by FeatureWarmUpTest: from
 * these warm-ups on, no value differs by 1% of its standard deviation from one computed with a longer history.
 */
final class FeatureCatalog {

    /** A dispersion this small relative to its level is rounding noise, not a market: treat it as zero. */
    static final double FLAT = 1e-10;

    record Definition(Feature feature, Function<SegmentSeries, double[]> column) {}

    private static final Map<String, Definition> ALL = new LinkedHashMap<>();

    // Steps after the seed until its weight is below 1e-4: ceil(ln 1e4 / -ln(1 - a)), chains as described above.
    static final int EMA12_SETTLE = 56;    // a = 2/13
    static final int EMA26_SETTLE = 120;   // a = 2/27
    static final int SIGNAL_SETTLE = 125;  // ln(1.47e4) / -ln(25/27)
    static final int WILDER14_SETTLE = 125; // a = 1/14
    static final int ADX14_SETTLE = 159;   // smallest k with (1 + k/14)(13/14)^k < 1e-4

    static {
        def("rsi_14", 14 + WILDER14_SETTLE, "relative strength index, Wilder smoothing, 0..100 (50 when nothing moved)",
                FeatureCatalog::rsi14);
        def("macd_12_26", 26 + EMA26_SETTLE, "MACD line EMA(12) - EMA(26), divided by the close",
                s -> divideByClose(s, s.values(macd(s))));
        def("macd_signal_9", 26 + SIGNAL_SETTLE, "MACD signal line EMA(9) of the MACD line, divided by the close",
                s -> divideByClose(s, s.values(signal(s))));
        def("macd_hist_9", 26 + SIGNAL_SETTLE, "MACD histogram (line - signal), divided by the close",
                s -> {
                    double[] m = s.values(macd(s)), g = s.values(signal(s));
                    for (int i = 0; i < m.length; i++) m[i] = (m[i] - g[i]) / s.close[i];
                    return m;
                });
        def("bb_percent_b_20", 19, "Bollinger %B(20, 2): 0 at the lower band, 1 at the upper (0.5 when the window is flat)",
                FeatureCatalog::percentB);
        def("bb_width_20", 19, "Bollinger band width (upper - lower) / middle, bands at 2 population std of 20 closes",
                s -> {
                    double[] mid = s.values(bollingerMiddle(s)), sd = s.values(bollingerStd(s));
                    for (int i = 0; i < mid.length; i++) mid[i] = 4 * sd[i] / mid[i];
                    return mid;
                });
        def("atr_14", 14 + WILDER14_SETTLE, "average true range (Wilder, 14), divided by the close",
                s -> divideByClose(s, s.values(new ATRIndicator(s.bars, 14))));
        def("stoch_k_14", 13, "stochastic %K(14), 0..100: close within the 14-candle high-low range (50 when the range is 0)",
                FeatureCatalog::stochK);
        def("stoch_d_3", 13 + 2, "stochastic %D: SMA(3) of %K(14)",
                s -> s.values(new SMAIndicator(new ValuesIndicator(s.bars, stochK(s)), 3)));
        def("adx_14", 14 + ADX14_SETTLE, "average directional index (14, 14), 0..100",
                s -> s.values(new ADXIndicator(s.bars, 14, 14)));
        def("plus_di_14", 14 + WILDER14_SETTLE, "+DI(14), 0..100", s -> s.values(new PlusDIIndicator(s.bars, 14)));
        def("minus_di_14", 14 + WILDER14_SETTLE, "-DI(14), 0..100", s -> s.values(new MinusDIIndicator(s.bars, 14)));
        def("cci_20", 19, "commodity channel index (20) of the typical price (0 when the window is flat)",
                FeatureCatalog::cci20);
        def("obv_flow_20", 20, "OBV change over 20 candles / volume of those candles, -1..1 (0 when no volume)",
                FeatureCatalog::obvFlow20);
        def("roc_10", 10, "rate of change over 10 candles, percent", s -> s.values(new ROCIndicator(s.closeIndicator(), 10)));
        def("cmf_20", 19, "Chaikin money flow (20), -1..1 (0 when no volume; a flat candle adds no flow)",
                FeatureCatalog::cmf20);
        def("mfi_14", 14, "money flow index (14), 0..100 (50 when no money flowed)", FeatureCatalog::mfi14);
        def("ema_12_ratio", 12 + EMA12_SETTLE, "EMA(12) / close - 1",
                s -> ratioMinusOne(s, s.values(new EMAIndicator(s.closeIndicator(), 12))));
        def("sma_50_ratio", 49, "SMA(50) / close - 1",
                s -> ratioMinusOne(s, s.values(new SMAIndicator(s.closeIndicator(), 50))));
        def("log_return_1", 1, "ln(close / close 1 candle earlier)", s -> logReturn(s, 1));
        def("log_return_4", 4, "ln(close / close 4 candles earlier)", s -> logReturn(s, 4));
        def("log_return_24", 24, "ln(close / close 24 candles earlier)", s -> logReturn(s, 24));
        def("realized_vol_24", 24, "population std of the last 24 one-candle log returns", FeatureCatalog::realizedVol24);
        def("volume_z_24", 23, "(volume - mean) / population std over the last 24 volumes (0 when they are all equal)",
                FeatureCatalog::volumeZ24);
        // Not in the standard set: Williams %R is %K - 100 exactly, so it adds nothing after normalization.
        def("williams_r_14", 13, "Williams %R(14), -100..0 (-50 when the range is 0)", s -> {
            double[] k = stochK(s);
            for (int i = 0; i < k.length; i++) k[i] -= 100;
            return k;
        });
    }

    static final List<String> STANDARD = List.copyOf(ALL.keySet()).subList(0, 24);

    private FeatureCatalog() {}

    private static void def(String name, int warmUp, String description, Function<SegmentSeries, double[]> column) {
        ALL.put(name, new Definition(new Feature(name, warmUp, description), column));
    }

    static Definition get(String name) {
        Definition d = ALL.get(name);
        if (d == null) throw new IllegalArgumentException("unknown feature '" + name + "' (known: " + ALL.keySet() + ")");
        return d;
    }

    static List<Feature> all() {
        return ALL.values().stream().map(Definition::feature).toList();
    }

    // ---- the computations; every array is indexed like the segment's candles ----

    private static double[] rsi14(SegmentSeries s) {
        double[] gain = s.values(new MMAIndicator(new GainIndicator(s.closeIndicator()), 14));
        double[] loss = s.values(new MMAIndicator(new LossIndicator(s.closeIndicator()), 14));
        double[] out = new double[s.size];
        for (int i = 0; i < out.length; i++) {
            double total = gain[i] + loss[i];
            out[i] = total == 0 ? 50 : 100 * gain[i] / total; // = 100 - 100 / (1 + gain/loss)
        }
        return out;
    }

    private static MACDIndicator macd(SegmentSeries s) {
        return s.memo("macd", () -> new MACDIndicator(s.closeIndicator(), 12, 26));
    }

    private static Indicator<Num> signal(SegmentSeries s) {
        return s.memo("macd.signal", () -> macd(s).getSignalLine(9));
    }

    private static SMAIndicator bollingerMiddle(SegmentSeries s) {
        return s.memo("bb.middle", () -> new SMAIndicator(s.closeIndicator(), 20));
    }

    private static StandardDeviationIndicator bollingerStd(SegmentSeries s) {
        return s.memo("bb.std", () -> new StandardDeviationIndicator(s.closeIndicator(), 20));
    }

    private static double[] percentB(SegmentSeries s) {
        double[] mid = s.values(bollingerMiddle(s)), sd = s.values(bollingerStd(s));
        double[] out = new double[s.size];
        for (int i = 0; i < out.length; i++) {
            // (close - lower) / (upper - lower) with bands at mid +- 2 sd
            out[i] = sd[i] <= FLAT * mid[i] ? 0.5 : 0.5 + (s.close[i] - mid[i]) / (4 * sd[i]);
        }
        return out;
    }

    private static double[] stochK(SegmentSeries s) {
        return s.memo("stoch.k", () -> {
            double[] hh = s.values(new HighestValueIndicator(new HighPriceIndicator(s.bars), 14));
            double[] ll = s.values(new LowestValueIndicator(new LowPriceIndicator(s.bars), 14));
            double[] out = new double[s.size];
            for (int i = 0; i < out.length; i++) {
                double range = hh[i] - ll[i];
                out[i] = range == 0 ? 50 : 100 * (s.close[i] - ll[i]) / range;
            }
            return out;
        }).clone();
    }

    private static double[] cci20(SegmentSeries s) {
        TypicalPriceIndicator tp = new TypicalPriceIndicator(s.bars);
        double[] typical = s.values(tp);
        double[] mean = s.values(new SMAIndicator(tp, 20));
        double[] meanDeviation = s.values(new MeanDeviationIndicator(tp, 20));
        double[] out = new double[s.size];
        for (int i = 0; i < out.length; i++) {
            out[i] = meanDeviation[i] <= FLAT * mean[i] ? 0 : (typical[i] - mean[i]) / (0.015 * meanDeviation[i]);
        }
        return out;
    }

    private static double[] obvFlow20(SegmentSeries s) {
        double[] obv = s.values(new OnBalanceVolumeIndicator(s.bars));
        double[] out = new double[s.size];
        for (int i = 0; i < out.length; i++) {
            if (i < 20) {
                out[i] = Double.NaN;
                continue;
            }
            double volume = windowSum(s.volume, i, 20);
            out[i] = volume == 0 ? 0 : (obv[i] - obv[i - 20]) / volume;
        }
        return out;
    }

    private static double[] cmf20(SegmentSeries s) {
        double[] flow = new double[s.size];
        for (int i = 0; i < flow.length; i++) {
            double range = s.high[i] - s.low[i];
            double location = range == 0 ? 0 : ((s.close[i] - s.low[i]) - (s.high[i] - s.close[i])) / range;
            flow[i] = location * s.volume[i];
        }
        double[] out = new double[s.size];
        for (int i = 0; i < out.length; i++) {
            double volume = windowSum(s.volume, i, 20);
            out[i] = volume == 0 ? 0 : windowSum(flow, i, 20) / volume;
        }
        return out;
    }

    private static double[] mfi14(SegmentSeries s) {
        double[] typical = new double[s.size];
        for (int i = 0; i < typical.length; i++) typical[i] = (s.high[i] + s.low[i] + s.close[i]) / 3;
        double[] out = new double[s.size];
        for (int i = 0; i < out.length; i++) {
            if (i < 14) {
                out[i] = Double.NaN;
                continue;
            }
            double up = 0, down = 0;
            for (int j = i - 13; j <= i; j++) {
                double flow = typical[j] * s.volume[j];
                if (typical[j] > typical[j - 1]) up += flow;
                else if (typical[j] < typical[j - 1]) down += flow;
            }
            out[i] = up + down == 0 ? 50 : 100 * up / (up + down);
        }
        return out;
    }

    private static double[] logReturn(SegmentSeries s, int lag) {
        double[] out = new double[s.size];
        for (int i = 0; i < out.length; i++) out[i] = i < lag ? Double.NaN : Math.log(s.close[i] / s.close[i - lag]);
        return out;
    }

    private static double[] realizedVol24(SegmentSeries s) {
        double[] r = logReturn(s, 1);
        double[] out = new double[s.size];
        for (int i = 0; i < out.length; i++) out[i] = i < 24 ? Double.NaN : Math.sqrt(windowVariance(r, i, 24));
        return out;
    }

    private static double[] volumeZ24(SegmentSeries s) {
        double[] out = new double[s.size];
        for (int i = 0; i < out.length; i++) {
            if (i < 23) {
                out[i] = Double.NaN;
                continue;
            }
            double mean = windowSum(s.volume, i, 24) / 24;
            double sd = Math.sqrt(windowVariance(s.volume, i, 24));
            out[i] = sd <= FLAT * mean ? 0 : (s.volume[i] - mean) / sd;
        }
        return out;
    }

    private static double[] divideByClose(SegmentSeries s, double[] values) {
        for (int i = 0; i < values.length; i++) values[i] /= s.close[i];
        return values;
    }

    private static double[] ratioMinusOne(SegmentSeries s, double[] values) {
        for (int i = 0; i < values.length; i++) values[i] = values[i] / s.close[i] - 1;
        return values;
    }

    /** Sum of {@code x[end-n+1 .. end]}, added afresh each time (no running total, so zero volumes sum to exactly 0). */
    static double windowSum(double[] x, int end, int n) {
        double sum = 0;
        for (int j = Math.max(0, end - n + 1); j <= end; j++) sum += x[j];
        return sum;
    }

    /** Population variance of {@code x[end-n+1 .. end]}, two-pass. */
    static double windowVariance(double[] x, int end, int n) {
        double mean = windowSum(x, end, n) / n;
        double sum = 0;
        for (int j = end - n + 1; j <= end; j++) sum += (x[j] - mean) * (x[j] - mean);
        return sum / n;
    }

    /** Values computed here, offered to ta4j so that its averages can smooth them (e.g. %D over a guarded %K). */
    static final class ValuesIndicator extends AbstractIndicator<Num> {
        private final double[] values;

        ValuesIndicator(BarSeries series, double[] values) {
            super(series);
            this.values = values;
        }

        @Override
        public Num getValue(int index) {
            return getBarSeries().numFactory().numOf(values[index]);
        }

        @Override
        public int getCountOfUnstableBars() {
            return 0;
        }
    }
}
