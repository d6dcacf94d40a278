package io.conflux.trade;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.conflux.model.ModelTemplate;
import io.conflux.model.OnnxExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A global model on ONNX Runtime (through DJL), loaded once and run on batches of windows: what the agent's
 * tick, the backtester and the round's evaluation all use, so a model is judged the way it will trade.
 */
public final class OnnxPredictor implements io.conflux.agent.Predictor, AutoCloseable {
    static {
        // nothing may be downloaded at run time: DJL uses the ONNX Runtime natives in the jar
        System.setProperty("ai.djl.offline", "true");
    }

    /** Loads the engine and its native library (no model): what priming does before a snapshot. */
    public static void loadEngine() {
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
    }

    private final ModelTemplate template;
    private final Model model;
    private final Predictor<NDList, NDList> predictor;
    private final NDManager manager;

    /** @param onnx the model as the template's ONNX graph ({@code ModelParameters.toOnnx()}) */
    public OnnxPredictor(ModelTemplate template, byte[] onnx) {
        this.template = template;
        Path dir = null;
        try {
            dir = Files.createTempDirectory("conflux-model-");
            Files.write(dir.resolve("model.onnx"), onnx);
            this.model = Model.newInstance("model", "OnnxRuntime");
            model.load(dir, "model");
            this.predictor = model.newPredictor(new NoopTranslator());
            this.manager = NDManager.newBaseManager("OnnxRuntime");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temp folder left behind is harmless
                }
            }
        }
    }

    public ModelTemplate template() {
        return template;
    }

    @Override
    public float[] probabilities(float[] windows, int count) {
        int per = template.window() * template.features();
        if (windows.length != count * per) throw new IllegalArgumentException(count + " windows of " + per + " values, not " + windows.length);
        try (NDManager batch = manager.newSubManager()) {
            NDList in = new NDList(batch.create(windows, new Shape(count, template.window(), template.features())));
            in.get(0).setName(OnnxExport.INPUT);
            NDList out = predictor.predict(in);
            try {
                return out.get(OnnxExport.PROBABILITIES).toFloatArray();
            } finally {
                out.close();
            }
        } catch (TranslateException e) {
            throw new IllegalStateException("ONNX Runtime could not run the model: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        manager.close();
        model.close();
    }
}
