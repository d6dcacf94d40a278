package io.conflux.evaluation;

import io.conflux.model.ModelParameters;

/** Scores models of one template on one validation window. Deterministic: the same model gives the same metrics. */
public interface Evaluator extends AutoCloseable {
    Metrics evaluate(ModelParameters model);

    @Override
    default void close() {}
}
