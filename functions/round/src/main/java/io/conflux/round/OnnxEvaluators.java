package io.conflux.round;

import io.conflux.aws.Platform;
import io.conflux.evaluation.Evaluator;
import io.conflux.evaluation.ValidationSet;
import io.conflux.evaluation.ValidationSets;
import io.conflux.federation.Blobs;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A round's evaluator: its validation window's public candles from the models bucket
 * ({@code market/<market>.csv}), turned into a validation set once per container, scored with DJL on
 * ONNX Runtime.
 */
public final class OnnxEvaluators implements Function<Round, Evaluator> {
    private final Blobs models;
    private final Map<String, ValidationSet> sets = new ConcurrentHashMap<>();

    public OnnxEvaluators(Blobs models) {
        this.models = models;
    }

    public static OnnxEvaluators fromPlatform(Platform platform) {
        return new OnnxEvaluators(platform.modelsBucket());
    }

    @Override
    public Evaluator apply(Round round) {
        RoundPolicy.Validation v = round.policy().validation();
        ValidationSet set = sets.computeIfAbsent(round.templateId() + "|" + v, k -> load(round, v));
        return new OnnxEvaluator(set);
    }

    private ValidationSet load(Round round, RoundPolicy.Validation v) {
        try {
            return ValidationSets.of(ValidationSets.publicCandles(models, v.market()), round.template(), v.from(), v.to());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
