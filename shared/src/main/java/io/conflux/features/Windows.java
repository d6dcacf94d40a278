package io.conflux.features;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Windows of consecutive feature rows: the model's input is {@code length} rows ending at a row t. A window
 * never spans a gap: all its rows lie in one segment, so they are {@code length} consecutive candles.
 */
public final class Windows {

    private Windows() {}

    /** True when the {@code length} rows ending at {@code endRow} exist and lie in one segment. */
    public static boolean fits(FeatureMatrix m, int endRow, int length) {
        if (length < 1) throw new IllegalArgumentException("window length must be positive, was " + length);
        int start = endRow - length + 1;
        // Rows of one segment are consecutive candles and segment numbers only grow, so the two ends decide.
        return start >= 0 && endRow < m.rows() && m.segment(start) == m.segment(endRow);
    }

    /** Every row at which a whole window ends, ascending. */
    public static int[] endRows(FeatureMatrix m, int length) {
        int[] out = new int[m.rows()];
        int n = 0;
        for (int r = 0; r < m.rows(); r++) if (fits(m, r, length)) out[n++] = r;
        return Arrays.copyOf(out, n);
    }

    /** The last row of the matrix if a whole window ends there (what the trading agent feeds the model now). */
    public static OptionalInt latestEndRow(FeatureMatrix m, int length) {
        int last = m.rows() - 1;
        return last >= 0 && fits(m, last, length) ? OptionalInt.of(last) : OptionalInt.empty();
    }

    /** The window ending at {@code endRow} as floats, [length, columns] row-major. */
    public static float[] window(FeatureMatrix m, int endRow, int length) {
        float[] out = new float[length * m.columns()];
        copy(m, endRow, length, out, 0);
        return out;
    }

    /** Writes the window ending at {@code endRow} into {@code target} at {@code offset}, [length, columns] row-major. */
    public static void copy(FeatureMatrix m, int endRow, int length, float[] target, int offset) {
        if (!fits(m, endRow, length)) {
            throw new IllegalArgumentException("no whole window of " + length + " rows ends at row " + endRow
                    + " (it would start before the first row or span a gap)");
        }
        double[] v = m.valuesView();
        int from = (endRow - length + 1) * m.columns();
        int count = length * m.columns();
        for (int k = 0; k < count; k++) target[offset + k] = (float) v[from + k];
    }
}
