package io.conflux.evaluation;

/**
 * What a model is judged on: {@code count} windows of {@code window} x {@code features} normalised
 * feature rows (row-major, the model's input), the realised class after each window (0 down, 1 flat,
 * 2 up), and the next candle's log return (what a position held over it earned).
 */
public record ValidationSet(float[] inputs, int count, int window, int features, int[] labels, double[] nextReturns) {
    public ValidationSet {
        if (count < 1) throw new IllegalArgumentException("a validation set needs at least one window");
        if (inputs.length != (long) count * window * features) throw new IllegalArgumentException("inputs hold " + inputs.length + " values, not count x window x features");
        if (labels.length != count || nextReturns.length != count) throw new IllegalArgumentException("one label and one return per window");
    }
}
