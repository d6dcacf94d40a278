package io.conflux.update;

import io.conflux.model.ModelTemplate;
import io.conflux.model.Tensor;
import io.conflux.model.TensorSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Updates with seeded Gaussian values of a chosen L2 norm, for tests. */
public final class TestUpdates {
    private TestUpdates() {}

    /** Where the test updates' training data ends: before every validation window the tests use. */
    public static final Instant DATA_END = Instant.parse("2021-06-30T00:00:00Z");

    public static ModelUpdate gaussian(ModelTemplate template, String roundId, String trader, long seed, double norm) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<float[]> values = new ArrayList<>();
        double sum = 0;
        for (TensorSpec s : template.tensors()) {
            float[] v = new float[Math.toIntExact(s.elementCount())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) gaussian(rnd);
                sum += (double) v[i] * v[i];
            }
            values.add(v);
        }
        double scale = norm / Math.sqrt(sum);
        List<Tensor> tensors = new ArrayList<>();
        int k = 0;
        for (TensorSpec s : template.tensors()) {
            float[] v = values.get(k++);
            for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] * scale);
            tensors.add(new Tensor(s.name(), s.shape(), v));
        }
        return new ModelUpdate(roundId, trader, Instant.parse("2026-01-01T00:00:00Z"), 1000 + seed, template.id(), tensors, DATA_END);
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
