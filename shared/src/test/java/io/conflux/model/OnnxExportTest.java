package io.conflux.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The exported graph, run by ONNX Runtime, against an LSTM forward pass written out here by hand. */
public class OnnxExportTest {

    public static List<Tensor> randomWeights(ModelTemplate t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Tensor> out = new ArrayList<>();
        for (TensorSpec s : t.tensors()) {
            float[] v = new float[Math.toIntExact(s.elementCount())];
            for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() - 0.5) * 0.6f;
            out.add(new Tensor(s.name(), s.shape(), v));
        }
        return out;
    }

    /** h_t, c_t by the LSTM equations (gates i, o, f, c in ONNX block order), then dense and softmax, in double. */
    public static double[][] reference(ModelTemplate t, List<Tensor> w, float[][][] x) {
        float[] W = w.get(0).values(), R = w.get(1).values(), B = w.get(2).values(), HW = w.get(3).values(), HB = w.get(4).values();
        int H = t.hidden(), F = t.features(), C = t.classes();
        double[][] out = new double[x.length][];
        for (int b = 0; b < x.length; b++) {
            double[] h = new double[H], c = new double[H];
            for (float[] xt : x[b]) {
                double[] gates = new double[4 * H];
                for (int g = 0; g < 4 * H; g++) {
                    double s = B[g] + B[4 * H + g];
                    for (int f = 0; f < F; f++) s += W[g * F + f] * (double) xt[f];
                    for (int k = 0; k < H; k++) s += R[g * H + k] * h[k];
                    gates[g] = s;
                }
                double[] nh = new double[H];
                for (int j = 0; j < H; j++) {
                    double i = sigmoid(gates[j]), o = sigmoid(gates[H + j]), f = sigmoid(gates[2 * H + j]), cc = Math.tanh(gates[3 * H + j]);
                    c[j] = f * c[j] + i * cc;
                    nh[j] = o * Math.tanh(c[j]);
                }
                h = nh;
            }
            double[] logits = new double[C];
            for (int k = 0; k < C; k++) {
                double s = HB[k];
                for (int j = 0; j < H; j++) s += HW[k * H + j] * h[j];
                logits[k] = s;
            }
            out[b] = logits;
        }
        return out;
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @Test
    void onnxRuntime_onTheExportedGraph_agreesWithAnIndependentLstm() throws Exception {
        ModelTemplate t = new ModelTemplate(12, 7, 9, 3);
        List<Tensor> w = randomWeights(t, 3);
        SplittableRandom r = new SplittableRandom(4);
        float[][][] x = new float[5][t.window()][t.features()];
        for (float[][] s : x) for (float[] row : s) for (int f = 0; f < row.length; f++) row[f] = (float) (r.nextDouble() * 4 - 2);
        double[][] expected = reference(t, w, x);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(OnnxExport.toOnnx(t, w), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, x);
             OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
            float[][] logits = (float[][]) result.get(OnnxExport.LOGITS).orElseThrow().getValue();
            float[][] probs = (float[][]) result.get(OnnxExport.PROBABILITIES).orElseThrow().getValue();
            for (int b = 0; b < x.length; b++) {
                double z = 0;
                for (int k = 0; k < t.classes(); k++) {
                    assertEquals(expected[b][k], logits[b][k], 1e-5, "logit " + b + "," + k);
                    z += Math.exp(expected[b][k]);
                }
                for (int k = 0; k < t.classes(); k++) assertEquals(Math.exp(expected[b][k]) / z, probs[b][k], 1e-6);
            }
        }
    }

    @Test
    void toOnnx_refusesWeightsThatDoNotMatchTheTemplate() {
        ModelTemplate t = ModelTemplate.standard();
        List<Tensor> w = new ArrayList<>(randomWeights(t, 1));
        w.remove(4);
        assertThrows(IllegalArgumentException.class, () -> OnnxExport.toOnnx(t, w));
        List<Tensor> wrongShape = new ArrayList<>(randomWeights(new ModelTemplate(32, 24, 16, 3), 1));
        assertThrows(IllegalArgumentException.class, () -> OnnxExport.toOnnx(t, wrongShape));
    }
}
