package io.conflux.trader;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.model.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PyTorch network and the template's tensors are one model: exact round trip, same logits as ONNX Runtime. */
class LstmNetworkTest {
    private static final ModelTemplate T = new ModelTemplate(12, 24, 16, 3);

    /** A model whose four gates all differ (so a gate-order mistake shows), from genesis plus noise. */
    private static ModelParameters distinct(long seed) {
        ModelParameters g = ModelParameters.genesis(T);
        SplittableRandom r = new SplittableRandom(seed);
        float[] delta = new float[g.values().length];
        for (int i = 0; i < delta.length; i++) delta[i] = (float) (r.nextDouble() - 0.5) * 0.4f;
        return g.plus(delta);
    }

    @Test
    void templateParameters_goInAndComeOutUnchanged() {
        ModelParameters p = distinct(1);
        try (LstmNetwork net = LstmNetwork.of(p)) {
            assertArrayEquals(p.values(), net.parameters().values());
            assertEquals(p.hash(), net.parameters().hash());
        }
    }

    @Test
    void gateReordering_isAPermutationAndItsInverse() {
        float[] onnx = new float[4 * 3 * 2];
        for (int i = 0; i < onnx.length; i++) onnx[i] = i;
        float[] torch = LstmNetwork.toTorchGates(onnx, 3, 2);
        // PyTorch's second block (forget) is ONNX's third; its fourth (output) is ONNX's second
        assertEquals(onnx[2 * 6], torch[6]);
        assertEquals(onnx[6], torch[3 * 6]);
        assertArrayEquals(onnx, LstmNetwork.toOnnxGates(torch, 3, 2));
    }

    @Test
    void pytorchLogits_equalOnnxRuntimeOnTheExportedTensors(@TempDir Path dir) throws Exception {
        ModelParameters p = distinct(2);
        int batch = 9;
        float[] x = new float[batch * T.window() * T.features()];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian());
        float[] torch;
        try (LstmNetwork net = LstmNetwork.of(p)) {
            torch = net.logits(x, batch);
        }
        assertSameLogits(torch, onnxRuntime(dir, p, x, batch), batch);
    }

    @Test
    void aTrainedNetwork_exportsToTensorsOnWhichOnnxRuntimeGivesItsLogits(@TempDir Path dir) throws Exception {
        int batch = 16, per = T.window() * T.features();
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[batch * per];
        float[] y = new float[batch];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (int i = 0; i < batch; i++) y[i] = r.nextInt(T.classes());
        float[] torch;
        ModelParameters exported;
        try (LstmNetwork net = LstmNetwork.of(ModelParameters.genesis(T));
             ai.djl.training.Trainer trainer = net.model().newTrainer(new ai.djl.training.DefaultTrainingConfig(ai.djl.training.loss.Loss.softmaxCrossEntropyLoss())
                     .optOptimizer(ai.djl.training.optimizer.Optimizer.adam().optLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(0.05f)).build()))) {
            trainer.initialize(new Shape(batch, T.window(), T.features()));
            net.load(ModelParameters.genesis(T));
            for (int step = 0; step < 5; step++) {
                try (NDManager nd = trainer.getManager().newSubManager(); ai.djl.training.GradientCollector gc = trainer.newGradientCollector()) {
                    NDList pred = trainer.forward(new NDList(nd.create(x, new Shape(batch, T.window(), T.features()))));
                    gc.backward(trainer.getLoss().evaluate(new NDList(nd.create(y)), pred));
                }
                trainer.step();
            }
            torch = net.logits(x, batch); // the live network, as training left it
            exported = net.parameters();
        }
        assertNotEquals(ModelParameters.genesis(T).hash(), exported.hash(), "training moved the weights");
        assertSameLogits(torch, onnxRuntime(dir, exported, x, batch), batch);
    }

    private static float[] onnxRuntime(Path dir, ModelParameters p, float[] x, int batch) throws Exception {
        Files.write(dir.resolve("model.onnx"), p.toOnnx());
        try (Model m = Model.newInstance("model", "OnnxRuntime")) {
            m.load(dir, "model");
            try (Predictor<NDList, NDList> pred = m.newPredictor(new NoopTranslator()); NDManager nd = NDManager.newBaseManager("OnnxRuntime")) {
                NDList in = new NDList(nd.create(x, new Shape(batch, T.window(), T.features())));
                in.get(0).setName(OnnxExport.INPUT);
                return pred.predict(in).get(OnnxExport.LOGITS).toFloatArray();
            }
        }
    }

    private static void assertSameLogits(float[] torch, float[] ort, int batch) {
        assertEquals(batch * T.classes(), torch.length);
        assertEquals(torch.length, ort.length);
        double worst = 0;
        for (int i = 0; i < torch.length; i++) worst = Math.max(worst, Math.abs(torch[i] - ort[i]));
        assertTrue(worst <= 1e-5, "largest logit difference " + worst);
        assertTrue(java.util.Arrays.stream(new double[] {torch[0], torch[1], torch[2]}).distinct().count() > 1, "logits are not trivial");
    }
}
