package io.conflux.round;

import ai.djl.Model;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.conflux.evaluation.Evaluator;
import io.conflux.evaluation.Metrics;
import io.conflux.evaluation.Scoring;
import io.conflux.evaluation.ValidationSet;
import io.conflux.model.ModelParameters;
import io.conflux.model.OnnxExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scores models with DJL on ONNX Runtime: each model is exported to the template's ONNX graph and run
 * on every validation window in one batch; the metrics come from {@link Scoring}.
 */
public final class OnnxEvaluator implements Evaluator {
    static {
        // nothing may be downloaded at run time: DJL uses the ONNX Runtime natives in the jar
        System.setProperty("ai.djl.offline", "true");
    }

    private final ValidationSet set;
    private final Path dir;

    public OnnxEvaluator(ValidationSet set) {
        this.set = set;
        try {
            this.dir = Files.createTempDirectory("conflux-eval-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        Path file = dir.resolve("model.onnx");
        try (Model model = Model.newInstance("model", "OnnxRuntime")) {
            Files.write(file, parameters.toOnnx());
            model.load(dir, "model");
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator()); NDManager nd = NDManager.newBaseManager("OnnxRuntime")) {
                NDList in = new NDList(nd.create(set.inputs(), new Shape(set.count(), set.window(), set.features())));
                in.get(0).setName(OnnxExport.INPUT);
                NDList out = predictor.predict(in);
                return out.get(OnnxExport.PROBABILITIES).toFloatArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedModelException | TranslateException e) {
            throw new IllegalStateException("ONNX Runtime could not run the model: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
