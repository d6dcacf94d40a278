package io.conflux.local;

import io.conflux.evaluation.Metrics;
import io.conflux.evaluation.ValidationSet;
import io.conflux.features.Candles;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.round.OnnxEvaluator;
import io.conflux.trader.LocalTrainer;
import io.conflux.trader.TrainingJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's question: did federating help? Every model is scored by the rounds' own evaluator (ONNX Runtime on the
 * round's validation window, normalization fitted before it) against the same windows, and each accuracy gets a 95%
 * Wilson interval, so a difference inside the intervals reads as what it is: noise.
 */
final class ModelComparison implements AutoCloseable {

    /** A model's score on the validation window. {@code logLoss} is NaN for the majority-class baseline, which states no probabilities. */
    record Scored(String name, String kind, String trader, int windows, int correct, double accuracy, double low, double high, double logLoss,
                  double majorityBaseline) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("kind", kind);
            m.put("trader", trader);
            m.put("windows", windows);
            m.put("correct", correct);
            m.put("accuracy", accuracy);
            m.put("accuracyLow", low);
            m.put("accuracyHigh", high);
            m.put("logLoss", Double.isNaN(logLoss) ? null : logLoss);
            m.put("majorityBaseline", majorityBaseline);
            return m;
        }
    }

    private final OnnxEvaluator evaluator;

    ModelComparison(ValidationSet set) {
        this.evaluator = new OnnxEvaluator(set);
    }

    Scored score(String name, String kind, String trader, ModelParameters model) {
        Metrics m = evaluator.evaluate(model);
        int correct = (int) Math.round(m.accuracy() * m.windows());
        double[] ci = wilson(correct, m.windows());
        return new Scored(name, kind, trader, m.windows(), correct, m.accuracy(), ci[0], ci[1], m.logLoss(), m.majorityBaseline());
    }

    /**
     * Always answering the window's most frequent class: what a model has to beat to have learnt anything. The count
     * is the one the evaluator reported with {@code scored} (every model is scored on the same windows).
     */
    static Scored majority(Scored scored) {
        int n = scored.windows(), best = (int) Math.round(scored.majorityBaseline() * n);
        double[] ci = wilson(best, n);
        return new Scored("majority class of the window", "baseline", null, n, best, (double) best / n, ci[0], ci[1], Double.NaN, (double) best / n);
    }

    /**
     * The 95% Wilson score interval of a binomial proportion (better behaved than the normal approximation near 0
     * and 1 and for small n): {@code (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)}.
     */
    static double[] wilson(int successes, int n) {
        if (n <= 0 || successes < 0 || successes > n) throw new IllegalArgumentException(successes + " successes of " + n + " trials");
        double z = 1.959963984540054, p = (double) successes / n, z2 = z * z;
        double centre = p + z2 / (2 * n), spread = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)), d = 1 + z2 / n;
        return new double[] {Math.max(0, (centre - spread) / d), Math.min(1, (centre + spread) / d)};
    }

    /**
     * The model one party would train holding every trader's candles: each slice prepared exactly as its trader
     * prepares it (features, labels, chronological split, normalization fitted on that slice's training part), the
     * windows pooled, then trained from the genesis model with early stopping on the pooled validation windows.
     * The upper bound federated learning chases, since no privacy constraint separates the data.
     */
    static LocalTrainer.Result central(List<Candles> slices, ModelTemplate template, java.time.Instant validationFrom, LocalTrainer.Options options) {
        TrainingJob.RoundSpec spec = new TrainingJob.RoundSpec("central", template, validationFrom, Double.MAX_VALUE);
        List<float[]> trainX = new ArrayList<>(), valX = new ArrayList<>();
        List<int[]> trainY = new ArrayList<>(), valY = new ArrayList<>();
        for (Candles c : slices) {
            TrainingJob.Prepared p = TrainingJob.prepare(c, spec, 0.15, null);
            trainX.add(p.training().inputs());
            trainY.add(p.training().labels());
            valX.add(p.validation().inputs());
            valY.add(p.validation().labels());
        }
        return LocalTrainer.train(ModelParameters.genesis(template), floats(trainX), ints(trainY), floats(valX), ints(valY), options, null);
    }

    static float[] floats(List<float[]> parts) {
        float[] out = new float[parts.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }

    private static int[] ints(List<int[]> parts) {
        return parts.stream().flatMapToInt(java.util.Arrays::stream).toArray();
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
