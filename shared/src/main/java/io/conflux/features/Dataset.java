package io.conflux.features;

import io.conflux.model.ModelTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Labelled windows for training or evaluation: window i is the {@code window} feature rows ending at
 * {@link #endRow(int)} (candle t), and its label is the direction of candle t+1. Only windows that lie in one
 * segment and whose end candle has a label are included, in time order.
 *
 * <p>The dataset holds row numbers, not copies: the tensor is built on demand by {@link #inputs()}, or in
 * batches by {@link #inputs(int, int)} (the 36k-candle hourly file makes ~100 MB of float windows).
 */
public final class Dataset {

    private final FeatureMatrix matrix;
    private final int window;
    private final int[] endRows;
    private final int[] labels;

    private Dataset(FeatureMatrix matrix, int window, int[] endRows, int[] labels) {
        this.matrix = matrix;
        this.window = window;
        this.endRows = endRows;
        this.labels = labels;
    }

    public static Dataset of(FeatureMatrix features, Labels labels, int window) {
        if (features.candles() != labels.candles()) {
            throw new IllegalArgumentException("features and labels were computed from different candle series");
        }
        int[] ends = Windows.endRows(features, window);
        int[] keptEnds = new int[ends.length];
        int[] keptLabels = new int[ends.length];
        int n = 0;
        for (int r : ends) {
            int label = labels.get(features.candleIndex(r));
            if (label == Labels.NONE) continue;
            keptEnds[n] = r;
            keptLabels[n++] = label;
        }
        return new Dataset(features, window, Arrays.copyOf(keptEnds, n), Arrays.copyOf(keptLabels, n));
    }

    /** Windows of the template's length, after checking the feature count matches the template. */
    public static Dataset of(FeatureMatrix features, Labels labels, ModelTemplate template) {
        if (features.columns() != template.features()) {
            throw new IllegalArgumentException("template " + template.id() + " takes " + template.features()
                    + " features, the matrix has " + features.columns());
        }
        if (template.classes() != Labels.CLASSES) {
            throw new IllegalArgumentException("template " + template.id() + " has " + template.classes()
                    + " classes, labels have " + Labels.CLASSES);
        }
        return of(features, labels, template.window());
    }

    public int size() {
        return endRows.length;
    }

    public int window() {
        return window;
    }

    public int features() {
        return matrix.columns();
    }

    public FeatureMatrix matrix() {
        return matrix;
    }

    public int endRow(int i) {
        return endRows[i];
    }

    public int endCandleIndex(int i) {
        return matrix.candleIndex(endRows[i]);
    }

    public Instant endTime(int i) {
        return matrix.openTime(endRows[i]);
    }

    public int label(int i) {
        return labels[i];
    }

    public int[] labels() {
        return labels.clone();
    }

    public int[] classCounts() {
        int[] out = new int[Labels.CLASSES];
        for (int l : labels) out[l]++;
        return out;
    }

    /** All windows as one tensor [size, window, features], row-major. */
    public float[] inputs() {
        return inputs(0, size());
    }

    /** Windows {@code from} (inclusive) to {@code to} (exclusive) as a tensor [to - from, window, features]. */
    public float[] inputs(int from, int to) {
        if (from < 0 || to > size() || from > to) throw new IndexOutOfBoundsException("windows [" + from + ", " + to + ") of " + size());
        int each = window * matrix.columns();
        float[] out = new float[Math.multiplyExact(to - from, each)];
        for (int i = from; i < to; i++) Windows.copy(matrix, endRows[i], window, out, (i - from) * each);
        return out;
    }

    /** The first feature row any window reads (the start of the earliest window); -1 when empty. */
    public int firstRow() {
        return endRows.length == 0 ? -1 : endRows[0] - window + 1;
    }

    /** The last feature row any window reads; -1 when empty. */
    public int lastRow() {
        return endRows.length == 0 ? -1 : endRows[endRows.length - 1];
    }

    /**
     * Consecutive, chronological parts, e.g. {@code split(0.8, 0.2)} for training and validation: windows are
     * never shuffled across time, so every window of a later part ends after every window of an earlier one.
     * A later part's first windows read rows an earlier part also read (its past, never its labels' future).
     */
    public List<Dataset> split(double... fractions) {
        double total = 0;
        for (double f : fractions) {
            if (!(f >= 0)) throw new IllegalArgumentException("fractions must not be negative: " + Arrays.toString(fractions));
            total += f;
        }
        if (fractions.length == 0 || Math.abs(total - 1) > 1e-9) {
            throw new IllegalArgumentException("fractions must sum to 1: " + Arrays.toString(fractions));
        }
        List<Dataset> parts = new ArrayList<>(fractions.length);
        double cumulative = 0;
        int from = 0;
        for (int k = 0; k < fractions.length; k++) {
            cumulative += fractions[k];
            int to = k == fractions.length - 1 ? size() : (int) Math.round(cumulative * size());
            parts.add(new Dataset(matrix, window, Arrays.copyOfRange(endRows, from, to), Arrays.copyOfRange(labels, from, to)));
            from = to;
        }
        return parts;
    }

    /** The same windows over normalized features. */
    public Dataset normalized(Normalizer normalizer) {
        return new Dataset(normalizer.apply(matrix), window, endRows, labels);
    }

    @Override
    public String toString() {
        return "Dataset[" + size() + " windows of " + window + " x " + matrix.columns() + ", classes " + Arrays.toString(classCounts()) + "]";
    }
}
