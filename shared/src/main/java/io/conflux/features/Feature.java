package io.conflux.features;

/**
 * One column of the feature matrix.
 *
 * @param name        stable identifier, e.g. {@code rsi_14}; part of what a trained model depends on
 * @param warmUp      leading candles of a segment for which the value is not valid: either the window is not yet
 *                    full, or (for exponentially smoothed indicators) the arbitrary seed still weighs more than
 *                    1% of the value. The value at candle {@code warmUp} of a segment is the first one emitted.
 * @param description what the value is and its unit
 */
public record Feature(String name, int warmUp, String description) {

    public Feature {
        if (name == null || !name.matches("[a-z0-9_]+")) throw new IllegalArgumentException("bad feature name: " + name);
        if (warmUp < 0) throw new IllegalArgumentException("negative warm-up for " + name);
    }
}
