package io.conflux.trade;

import io.conflux.evaluation.ValidationSets;
import io.conflux.features.FeatureSet;
import io.conflux.features.Normalizer;
import io.conflux.federation.Blobs;
import io.conflux.federation.ModelRegistry;
import io.conflux.federation.PublishedModel;
import io.conflux.model.ModelParameters;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * The current global model as the agent runs it: its parameters on ONNX Runtime, and the normalizer the round
 * evaluated it with (fitted on the public candles of the round's validation market before the window). Kept
 * loaded while it stays the current version (a warm Lambda container pays for loading once per model).
 */
public final class AgentModels implements AutoCloseable {

    /** A loaded model. {@code usableFrom} is its round's validation start: every trader's data ended before it. */
    public record Loaded(PublishedModel meta, OnnxPredictor predictor, Normalizer normalizer, Instant usableFrom) {}

    private final ModelRegistry registry;
    private final Blobs models;
    private final RoundStore rounds;
    private Loaded loaded;

    public AgentModels(ModelRegistry registry, Blobs models, RoundStore rounds) {
        this.registry = registry;
        this.models = models;
        this.rounds = rounds;
    }

    /** The newest published model of the template, loaded; empty when none is published. */
    public synchronized Optional<Loaded> current(String templateId) throws IOException {
        Optional<PublishedModel> latest = registry.latest(templateId);
        if (latest.isEmpty()) return Optional.empty();
        PublishedModel m = latest.get();
        if (loaded != null && loaded.meta().version() == m.version() && loaded.meta().templateId().equals(m.templateId())) return Optional.of(loaded);
        ModelParameters params = ModelParameters.fromSafeTensors(models.get(m.parametersKey()));
        if (!params.hash().equals(m.parametersHash())) throw new IOException("model " + m.version() + "'s parameters do not hash to " + m.parametersHash());
        Round round = rounds.find(m.roundId()).orElseThrow(() -> new IOException("model " + m.version() + " names round " + m.roundId() + ", which is missing"));
        var v = round.policy().validation();
        Normalizer normalizer = Normalizer.fitBefore(FeatureSet.standard().compute(ValidationSets.publicCandles(models, v.market())), v.from());
        if (loaded != null) loaded.predictor().close();
        loaded = new Loaded(m, new OnnxPredictor(params.template(), params.toOnnx()), normalizer, v.from());
        return Optional.of(loaded);
    }

    @Override
    public synchronized void close() {
        if (loaded != null) loaded.predictor().close();
        loaded = null;
    }
}
