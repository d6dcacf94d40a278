package io.conflux.round;

import io.conflux.aws.Platform;
import io.conflux.evaluation.Evaluator;
import io.conflux.evaluation.ValidationSet;
import io.conflux.evaluation.ValidationSets;
import io.conflux.features.Candles;
import io.conflux.federation.Blobs;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundPolicy;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A round's evaluator: its validation window's public candles from the models bucket
 * ({@code market/<market>.csv}), turned into a validation set once per container, scored with DJL on
 * ONNX Runtime.
 */
public final class OnnxEvaluators implements Function<Round, Evaluator> {
    public static final String MARKET_PREFIX = io.conflux.evaluation.ValidationSets.MARKET_PREFIX;

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
        String key = MARKET_PREFIX + v.market() + ".csv";
        try {
            byte[] csv = models.find(key).orElseThrow(() -> new IllegalStateException(
                    "no public candles for " + v.market() + ": put them at " + key + " in the models bucket"));
            Candles candles = Candles.readCsv(new StringReader(new String(csv, StandardCharsets.UTF_8)), key);
            return ValidationSets.of(candles, round.template(), v.from(), v.to());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + key, e);
        }
    }
}
