package io.conflux.agent;

/** A model's class probabilities for windows of normalized features (ONNX Runtime in the agent and the backtester). */
@FunctionalInterface
public interface Predictor {
    /** @param windows count x window x features, row-major; @return count x classes */
    float[] probabilities(float[] windows, int count);
}
