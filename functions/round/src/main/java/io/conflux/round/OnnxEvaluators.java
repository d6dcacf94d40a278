package io.conflux.round;

import io.conflux.aws.Platform;
import io.conflux.evaluation.Evaluator;
import io.conflux.rounds.Round;
import java.util.function.Function;

/** Placeholder until the feature set lands: replaced by the DJL + ONNX Runtime evaluator. */
final class OnnxEvaluators {
    private OnnxEvaluators() {}

    static Function<Round, Evaluator> fromPlatform(Platform platform) {
        throw new UnsupportedOperationException("evaluation is wired in the next commit");
    }
}
