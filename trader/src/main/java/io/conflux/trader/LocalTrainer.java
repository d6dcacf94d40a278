package io.conflux.trader;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.conflux.features.Dataset;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains the round's LSTM on a trader's own windows, starting from the round's base model: Adam on the
 * softmax cross-entropy, mini-batches in a seeded shuffle, and early stopping on a held-out validation
 * split (the parameters of the epoch with the lowest validation loss are the result). The same seed,
 * base model and data give the same parameters.
 */
public final class LocalTrainer {

    /**
     * @param patience stop after this many epochs without a lower validation loss
     */
    public record Options(int epochs, int batchSize, float learningRate, int patience, long seed) {
        public Options {
            if (epochs < 1 || batchSize < 1 || patience < 1 || !(learningRate > 0)) throw new IllegalArgumentException("epochs, batch size, patience and learning rate must be positive");
        }

        public static Options defaults() {
            return new Options(20, 64, 1e-3f, 3, 7);
        }
    }

    /** One epoch: mean training loss and accuracy over its batches, then the validation figures. */
    public record Epoch(int epoch, double loss, double accuracy, double validationLoss, double validationAccuracy) {}

    /** @param best the parameters of the epoch with the lowest validation loss */
    public record Result(ModelParameters best, int bestEpoch, List<Epoch> history, boolean stoppedEarly) {}

    /** Told after every epoch (the command line draws its progress from it). */
    public interface Listener {
        void epoch(Epoch e, int of);
    }

    private LocalTrainer() {}

    public static Result train(ModelParameters base, Dataset training, Dataset validation, Options o, Listener listener) {
        ModelTemplate t = base.template();
        if (training.window() != t.window() || training.features() != t.features()) {
            throw new IllegalArgumentException("windows of " + training.window() + " x " + training.features() + " do not fit template " + t.id());
        }
        if (training.size() == 0 || validation.size() == 0) throw new IllegalArgumentException("training and validation splits must not be empty");
        return train(base, training.inputs(), training.labels(), validation.inputs(), validation.labels(), o, listener);
    }

    /**
     * As {@link #train(ModelParameters, Dataset, Dataset, Options, Listener)}, on windows already laid out as
     * tensors [count, window, features] (row-major) with their labels: e.g. windows pooled from several series.
     */
    public static Result train(ModelParameters base, float[] trainInputs, int[] trainLabels, float[] valInputs, int[] valLabels, Options o,
                               Listener listener) {
        ModelTemplate t = base.template();
        int per = t.window() * t.features();
        if (trainLabels.length == 0 || valLabels.length == 0) throw new IllegalArgumentException("training and validation splits must not be empty");
        if (trainInputs.length != (long) trainLabels.length * per || valInputs.length != (long) valLabels.length * per) {
            throw new IllegalArgumentException("inputs must hold " + per + " values per labelled window of template " + t.id());
        }
        Engine.getEngine("PyTorch").setRandomSeed((int) o.seed());
        try (LstmNetwork net = LstmNetwork.of(base)) {
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(o.learningRate())).build());
            try (Trainer trainer = net.model().newTrainer(config)) {
                trainer.initialize(new Shape(o.batchSize(), t.window(), t.features()));
                net.load(base); // initialize() draws fresh weights: training starts from the base model
                SplittableRandom shuffle = new SplittableRandom(o.seed());
                List<Epoch> history = new ArrayList<>();
                ModelParameters best = base;
                double bestLoss = Double.POSITIVE_INFINITY;
                int bestEpoch = 0, sinceBest = 0;
                boolean stopped = false;
                int n = trainLabels.length;
                for (int epoch = 1; epoch <= o.epochs(); epoch++) {
                    int[] order = permutation(n, shuffle);
                    double lossSum = 0;
                    long correct = 0;
                    for (int from = 0; from < n; from += o.batchSize()) {
                        int size = Math.min(o.batchSize(), n - from);
                        float[] x = new float[size * per];
                        float[] y = new float[size];
                        for (int i = 0; i < size; i++) {
                            int k = order[from + i];
                            System.arraycopy(trainInputs, k * per, x, i * per, per);
                            y[i] = trainLabels[k];
                        }
                        try (NDManager nd = trainer.getManager().newSubManager(); GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray labels = nd.create(y);
                            NDList pred = trainer.forward(new NDList(nd.create(x, new Shape(size, t.window(), t.features()))));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(labels), pred);
                            gc.backward(loss);
                            lossSum += loss.getFloat() * size;
                            correct += pred.singletonOrThrow().argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).eq(labels).countNonzero().getLong();
                        }
                        trainer.step();
                    }
                    double[] val = evaluate(net, valInputs, valLabels, t);
                    Epoch e = new Epoch(epoch, lossSum / n, (double) correct / n, val[0], val[1]);
                    history.add(e);
                    if (listener != null) listener.epoch(e, o.epochs());
                    if (val[0] < bestLoss) {
                        bestLoss = val[0];
                        best = net.parameters();
                        bestEpoch = epoch;
                        sinceBest = 0;
                    } else if (++sinceBest >= o.patience()) {
                        stopped = epoch < o.epochs();
                        break;
                    }
                }
                return new Result(best, bestEpoch, List.copyOf(history), stopped);
            }
        }
    }

    /** Mean cross-entropy and accuracy of the network on labelled windows, from its logits (stable log-softmax). */
    static double[] evaluate(LstmNetwork net, float[] inputs, int[] labels, ModelTemplate t) {
        int count = labels.length, c = t.classes(), chunk = 1024, per = t.window() * t.features();
        double loss = 0;
        long correct = 0;
        for (int from = 0; from < count; from += chunk) {
            int size = Math.min(chunk, count - from);
            float[] x = java.util.Arrays.copyOfRange(inputs, from * per, (from + size) * per);
            float[] logits = net.logits(x, size);
            for (int i = 0; i < size; i++) {
                double max = Double.NEGATIVE_INFINITY;
                int arg = 0;
                for (int j = 0; j < c; j++) {
                    if (logits[i * c + j] > max) {
                        max = logits[i * c + j];
                        arg = j;
                    }
                }
                double sum = 0;
                for (int j = 0; j < c; j++) sum += Math.exp(logits[i * c + j] - max);
                loss += -(logits[i * c + labels[from + i]] - max - Math.log(sum));
                if (arg == labels[from + i]) correct++;
            }
        }
        return new double[] {loss / count, (double) correct / count};
    }

    private static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }
}
