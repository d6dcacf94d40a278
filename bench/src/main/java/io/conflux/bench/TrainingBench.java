package io.conflux.bench;

import io.conflux.features.Candles;
import io.conflux.features.FeatureSet;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.trader.LocalTrainer;
import io.conflux.trader.TrainingJob;
import java.time.Duration;

/**
 * The trader's client on the shipped BTC-USDT hourly candles (35,990 candles, 2017-08 to 2021-09, a little over
 * four years): the 24 features over all of them; one training epoch of the standard template; and the full
 * default training (20 epochs at most, early stopping with patience 3), as `conflux-trader train` runs it.
 */
final class TrainingBench {
    private TrainingBench() {}

    static void run(int featureRuns) throws Exception {
        Candles candles;
        candles = io.conflux.features.TestCandles.real("btc-usdt-1h.csv");
        System.out.printf("trader client: %,d hourly candles %s .. %s, %d cores%n", candles.size(), candles.openTime(0),
                candles.openTime(candles.size() - 1), Runtime.getRuntime().availableProcessors());

        FeatureSet features = FeatureSet.standard();
        features.compute(candles); // warm-up
        double[] ms = new double[featureRuns];
        for (int i = 0; i < featureRuns; i++) {
            long t0 = System.nanoTime();
            features.compute(candles);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        System.out.printf("  features (%d of them) for all candles: median %.1f ms, min %.1f ms (%d runs after a warm-up)%n", features.size(),
                Stats.percentile(ms, 50), java.util.Arrays.stream(ms).min().orElse(Double.NaN), featureRuns);

        ModelTemplate t = ModelTemplate.standard();
        // every candle is training data here: the "round" validates after the data ends
        TrainingJob.RoundSpec round = new TrainingJob.RoundSpec("bench", t, candles.openTime(candles.size() - 1).plus(Duration.ofHours(1)), 10);
        long p0 = System.nanoTime();
        TrainingJob.Prepared data = TrainingJob.prepare(candles, round, 0.15, null);
        System.out.printf("  prepare (features, labels, windows, split, normalization): %.0f ms; %,d training + %,d validation windows of %d x %d%n",
                (System.nanoTime() - p0) / 1e6, data.training().size(), data.validation().size(), t.window(), t.features());

        ModelParameters base = ModelParameters.genesis(t);
        long e0 = System.nanoTime();
        LocalTrainer.train(base, data.training(), data.validation(), new LocalTrainer.Options(1, 64, 1e-3f, 1, 7), null);
        System.out.printf("  one epoch (batch 64, with the validation pass): %.1f s%n", (System.nanoTime() - e0) / 1e9);

        LocalTrainer.Options defaults = LocalTrainer.Options.defaults();
        long f0 = System.nanoTime();
        TrainingJob.Outcome o = TrainingJob.train(base, round, data, defaults, null, null, "0x" + "00".repeat(20),
                (e, of) -> System.out.printf("    epoch %2d/%d  loss %.4f acc %.3f | validation loss %.4f acc %.3f  (%.0f s)%n", e.epoch(), of, e.loss(),
                        e.accuracy(), e.validationLoss(), e.validationAccuracy(), (System.nanoTime() - f0) / 1e9));
        double full = (System.nanoTime() - f0) / 1e9;
        System.out.printf("  full default training %s: %.1f s, %d epochs (best %d%s), update norm %.3f  [target <= 120 s]%n", defaults, full,
                o.training().history().size(), o.training().bestEpoch(), o.training().stoppedEarly() ? ", stopped early" : "", o.trainedNorm());
        // the worst case of the defaults: early stopping never fires
        LocalTrainer.Options all = new LocalTrainer.Options(defaults.epochs(), defaults.batchSize(), defaults.learningRate(), defaults.epochs(), defaults.seed());
        long w0 = System.nanoTime();
        LocalTrainer.train(base, data.training(), data.validation(), all, null);
        System.out.printf("  all %d epochs (no early stop): %.1f s  [target <= 120 s]%n", all.epochs(), (System.nanoTime() - w0) / 1e9);
    }
}
