package io.conflux.trade;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.model.OnnxExportTest;
import io.conflux.model.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The agent's model runner: ONNX Runtime's probabilities are the softmax of an LSTM written out by hand, batch after batch. */
class OnnxPredictorTest {

    @Test
    void probabilitiesAreTheSoftmaxOfAnIndependentLstm_overRepeatedBatches() {
        ModelTemplate t = new ModelTemplate(8, 6, 5, 3);
        List<Tensor> w = OnnxExportTest.randomWeights(t, 9);
        ModelParameters p = new ModelParameters(t, Tensor.flatten(w));
        SplittableRandom r = new SplittableRandom(2);
        try (OnnxPredictor predictor = new OnnxPredictor(t, p.toOnnx())) {
            for (int batch : new int[] {1, 7, 64}) {
                float[] flat = new float[batch * t.window() * t.features()];
                float[][][] x = new float[batch][t.window()][t.features()];
                for (int b = 0, k = 0; b < batch; b++) {
                    for (int s = 0; s < t.window(); s++) {
                        for (int f = 0; f < t.features(); f++, k++) flat[k] = x[b][s][f] = (float) r.nextGaussian();
                    }
                }
                float[] got = predictor.probabilities(flat, batch);
                double[][] logits = OnnxExportTest.reference(t, w, x);
                for (int b = 0; b < batch; b++) {
                    double max = Math.max(logits[b][0], Math.max(logits[b][1], logits[b][2])), sum = 0;
                    for (double l : logits[b]) sum += Math.exp(l - max);
                    double rowSum = 0;
                    for (int c = 0; c < 3; c++) {
                        assertEquals(Math.exp(logits[b][c] - max) / sum, got[b * 3 + c], 1e-5);
                        rowSum += got[b * 3 + c];
                    }
                    assertEquals(1.0, rowSum, 1e-5);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> predictor.probabilities(new float[5], 1));
        }
        var bad = assertThrows(RuntimeException.class, () -> new OnnxPredictor(t, "not onnx".getBytes()));
        assertTrue(bad.getMessage().contains("ONNX Runtime"), bad.getMessage());
    }
}
