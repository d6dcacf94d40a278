package io.conflux.features;

/**
 * A run of candles with no gap: candle indices {@code from} (inclusive) to {@code to} (exclusive), each one
 * interval after the previous. Features and windows are computed inside one segment and never across two.
 */
public record Segment(int from, int to) {

    public Segment {
        if (from < 0 || to <= from) throw new IllegalArgumentException("empty or negative segment [" + from + ", " + to + ")");
    }

    public int size() {
        return to - from;
    }

    public boolean contains(int candleIndex) {
        return candleIndex >= from && candleIndex < to;
    }
}
