package io.conflux.contribution;

import java.util.BitSet;

/**
 * The value of a coalition of a round's updates: in the product, the evaluation metric of the model
 * rebuilt by aggregating just those updates onto the round's base model (never by retraining).
 * {@code value(empty)} is the base model's metric. Must be deterministic.
 */
@FunctionalInterface
public interface Utility {
    double value(BitSet coalition);
}
