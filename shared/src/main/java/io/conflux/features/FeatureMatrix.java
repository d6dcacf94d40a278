package io.conflux.features;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Feature values, one row per candle past its segment's warm-up, row-major ({@code values[row * columns + c]}),
 * all finite. Rows are in candle order; {@link #candleIndex(int)} maps a row back to its candle. Two rows are
 * consecutive in time only if they are in the same segment; use {@link Windows} rather than row arithmetic.
 */
public final class FeatureMatrix {

    private final Candles candles;
    private final List<String> names;
    private final double[] values;
    private final int[] candleIndex;
    private final int[] segment;

    FeatureMatrix(Candles candles, List<String> names, double[] values, int[] candleIndex, int[] segment) {
        this.candles = candles;
        this.names = List.copyOf(names);
        this.values = values;
        this.candleIndex = candleIndex;
        this.segment = segment;
    }

    /** The same rows with other values (a normalized copy). */
    FeatureMatrix withValues(double[] newValues) {
        if (newValues.length != values.length) throw new IllegalArgumentException("value count changed");
        return new FeatureMatrix(candles, names, newValues, candleIndex, segment);
    }

    public int rows() {
        return candleIndex.length;
    }

    public int columns() {
        return names.size();
    }

    public List<String> names() {
        return names;
    }

    public double get(int row, int column) {
        Objects.checkIndex(column, names.size());
        return values[row * names.size() + column];
    }

    public double[] row(int row) {
        Objects.checkIndex(row, candleIndex.length);
        return Arrays.copyOfRange(values, row * names.size(), (row + 1) * names.size());
    }

    /** A copy of all values, row-major. */
    public double[] values() {
        return values.clone();
    }

    double[] valuesView() {
        return values;
    }

    public int candleIndex(int row) {
        return candleIndex[row];
    }

    public Instant openTime(int row) {
        return candles.openTime(candleIndex[row]);
    }

    /** The number (0-based, in time order) of the candles' segment this row belongs to. */
    public int segment(int row) {
        return segment[row];
    }

    /** The row of a candle, or -1 if that candle has no row (inside a warm-up). */
    public int rowOf(int candleIndex) {
        int r = Arrays.binarySearch(this.candleIndex, candleIndex);
        return r >= 0 ? r : -1;
    }

    public Candles candles() {
        return candles;
    }

    @Override
    public String toString() {
        return "FeatureMatrix[" + rows() + " x " + columns() + " of " + candles.source() + "]";
    }
}
