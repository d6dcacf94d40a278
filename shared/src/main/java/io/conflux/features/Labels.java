package io.conflux.features;

import java.util.Objects;

/**
 * What the model predicts at candle t: the direction of the next candle, from its close-to-close log return
 * {@code r = ln(close[t+1] / close[t])}: {@link #UP} if r > threshold, {@link #DOWN} if r < -threshold, else
 * {@link #FLAT} (a return exactly at the threshold is flat). Class numbers are those of the model template.
 *
 * <p>A candle has no label ({@link #NONE}) when its next candle is missing: the last candle of the series and
 * the last candle before every gap. A return across a gap is not the next candle's direction.
 */
public final class Labels {

    public static final int DOWN = 0;
    public static final int FLAT = 1;
    public static final int UP = 2;
    public static final int NONE = -1;
    public static final int CLASSES = 3;

    /**
     * 0.1%, meant for hourly candles: on BTC/USDT 2017-2021 it makes 19% of hours flat, 42% up, 39% down.
     * Daily candles want about 1% (0.1% leaves only 4% of BTC days flat).
     */
    public static final double DEFAULT_THRESHOLD = 0.001;

    private final Candles candles;
    private final double threshold;
    private final int[] labels;

    private Labels(Candles candles, double threshold) {
        if (!(threshold >= 0) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite and not negative, was " + threshold);
        }
        this.candles = Objects.requireNonNull(candles, "candles");
        this.threshold = threshold;
        this.labels = new int[candles.size()];
        java.util.Arrays.fill(labels, NONE);
        for (Segment s : candles.segments()) {
            for (int i = s.from(); i < s.to() - 1; i++) labels[i] = classify(nextLogReturn(candles, i), threshold);
        }
    }

    public static Labels nextCandle(Candles candles) {
        return new Labels(candles, DEFAULT_THRESHOLD);
    }

    public static Labels nextCandle(Candles candles, double threshold) {
        return new Labels(candles, threshold);
    }

    public static int classify(double logReturn, double threshold) {
        if (logReturn > threshold) return UP;
        if (logReturn < -threshold) return DOWN;
        return FLAT;
    }

    private static double nextLogReturn(Candles c, int i) {
        return Math.log(c.close(i + 1) / c.close(i));
    }

    /** The label of candle {@code candleIndex}, or {@link #NONE}. */
    public int get(int candleIndex) {
        return labels[candleIndex];
    }

    public boolean has(int candleIndex) {
        return labels[candleIndex] != NONE;
    }

    public double threshold() {
        return threshold;
    }

    public Candles candles() {
        return candles;
    }

    /** How many candles carry each class, indexed by class. */
    public int[] counts() {
        int[] out = new int[CLASSES];
        for (int l : labels) if (l != NONE) out[l]++;
        return out;
    }
}
