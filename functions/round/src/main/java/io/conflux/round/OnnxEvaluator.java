package io.conflux.round;

import io.conflux.evaluation.Evaluator;
import io.conflux.evaluation.Metrics;
import io.conflux.evaluation.Scoring;
import io.conflux.evaluation.ValidationSet;
import io.conflux.model.ModelParameters;
import io.conflux.trade.OnnxPredictor;

/**
 * Scores models the way the agent runs them ({@link OnnxPredictor}: DJL on ONNX Runtime): each model is exported
 * to the template's ONNX graph and run on every validation window in one batch; the metrics come from {@link Scoring}.
 */
public final class OnnxEvaluator implements Evaluator {
    private final ValidationSet set;

    public OnnxEvaluator(ValidationSet set) {
        this.set = set;
    }

    @Override
    public Metrics evaluate(ModelParameters parameters) {
        int classes = parameters.template().classes();
        return Scoring.score(set, probabilities(parameters), classes, Scoring.DEFAULT_FEE, Scoring.DEFAULT_THRESHOLD);
    }

    /** The model's class probabilities for every window, count x classes. */
    public float[] probabilities(ModelParameters parameters) {
        if (parameters.template().window() != set.window() || parameters.template().features() != set.features()) {
            throw new IllegalArgumentException("model " + parameters.template().id() + " does not take windows of " + set.window() + " x " + set.features());
        }
        try (OnnxPredictor p = new OnnxPredictor(parameters.template(), parameters.toOnnx())) {
            return p.probabilities(set.inputs(), set.count());
        }
    }

    @Override
    public void close() {
        // nothing held between evaluations
    }
}
