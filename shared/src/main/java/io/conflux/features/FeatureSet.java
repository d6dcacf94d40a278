package io.conflux.features;

import io.conflux.model.ModelTemplate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The feature columns a model is trained and run on: THE one implementation shared by the trader's training
 * client, the round's evaluation and the trading agent, so that a model never sees features computed two ways.
 *
 * <p>{@link #standard()} is the 24 columns of {@link ModelTemplate#standard()}. Every feature is scale-free
 * (an oscillator, a ratio to the close, a log return, a volume ratio), so BTC and ADA rows are comparable.
 *
 * <p>Computation is per {@link Segment}: ta4j starts a fresh series at each gap, so no value reaches across an
 * outage, and the first {@link #warmUp()} candles of every segment produce no row. A value at candle t depends on
 * candles up to t only.
 */
public final class FeatureSet {

    private static final FeatureSet STANDARD = new FeatureSet(FeatureCatalog.STANDARD);

    private final List<FeatureCatalog.Definition> definitions;
    private final List<Feature> features;
    private final List<String> names;
    private final int warmUp;

    private FeatureSet(List<String> names) {
        if (names.isEmpty()) throw new IllegalArgumentException("a feature set needs at least one feature");
        if (new HashSet<>(names).size() != names.size()) throw new IllegalArgumentException("duplicate feature in " + names);
        this.definitions = names.stream().map(FeatureCatalog::get).toList();
        this.features = definitions.stream().map(FeatureCatalog.Definition::feature).toList();
        this.names = List.copyOf(names);
        this.warmUp = features.stream().mapToInt(Feature::warmUp).max().orElseThrow();
    }

    /** The 24 features of the standard model template, in column order. */
    public static FeatureSet standard() {
        return STANDARD;
    }

    /** A set of catalog features in the given column order (for experiments; rounds use {@link #standard()}). */
    public static FeatureSet of(String... names) {
        return new FeatureSet(List.of(names));
    }

    /** Every feature this build can compute, the standard ones first. */
    public static List<Feature> catalog() {
        return FeatureCatalog.all();
    }

    public List<Feature> features() {
        return features;
    }

    public List<String> names() {
        return names;
    }

    public int size() {
        return features.size();
    }

    /** Leading candles of each segment that yield no row: the longest warm-up of any feature in the set. */
    public int warmUp() {
        return warmUp;
    }

    /** How many gap-free candles give {@code rows} consecutive rows: the trading agent needs {@code candlesNeeded(32)} for one window. */
    public int candlesNeeded(int rows) {
        if (rows < 1) throw new IllegalArgumentException("rows must be positive");
        return warmUp + rows;
    }

    /**
     * One row per candle that is past the warm-up of its segment, in candle order.
     *
     * @throws IllegalStateException if a value is not finite: every feature defines its degenerate cases, so
     *                               this is a bug; the message names the feature and the candle
     */
    public FeatureMatrix compute(Candles candles) {
        return compute(candles, null);
    }

    /** Told as columns are computed: {@code done} of {@code total} (one per feature per gap-free segment). */
    @FunctionalInterface
    public interface Progress {
        void step(int done, int total);
    }

    /** As {@link #compute(Candles)}, telling {@code progress} (may be null) after each feature of each segment. */
    public FeatureMatrix compute(Candles candles, Progress progress) {
        Objects.requireNonNull(candles, "candles");
        int columns = size();
        int rows = 0;
        for (Segment s : candles.segments()) rows += Math.max(0, s.size() - warmUp);
        double[] values = new double[Math.multiplyExact(rows, columns)];
        int[] candleIndex = new int[rows];
        int[] segmentNo = new int[rows];
        int row = 0;
        List<Segment> segments = candles.segments();
        int usable = 0, done = 0;
        for (Segment s : segments) if (s.size() > warmUp) usable++;
        for (int sn = 0; sn < segments.size(); sn++) {
            Segment segment = segments.get(sn);
            if (segment.size() <= warmUp) continue;
            SegmentSeries series = new SegmentSeries(candles, segment);
            List<double[]> cols = new ArrayList<>(columns);
            for (FeatureCatalog.Definition d : definitions) {
                cols.add(d.column().apply(series));
                if (progress != null) progress.step(++done, usable * columns);
            }
            for (int i = warmUp; i < segment.size(); i++, row++) {
                candleIndex[row] = segment.from() + i;
                segmentNo[row] = sn;
                int base = row * columns;
                for (int c = 0; c < columns; c++) {
                    double v = cols.get(c)[i];
                    if (!Double.isFinite(v)) {
                        throw new IllegalStateException("feature '" + names.get(c) + "' is " + v + " at "
                                + candles.openTime(segment.from() + i) + " (candle " + (segment.from() + i) + " of "
                                + candles.source() + ")");
                    }
                    values[base + c] = v;
                }
            }
        }
        return new FeatureMatrix(candles, names, values, candleIndex, segmentNo);
    }

    @Override
    public String toString() {
        return "FeatureSet" + names + " warm-up " + warmUp;
    }
}
