package io.conflux.trader;

import io.conflux.features.Candles;
import io.conflux.features.Dataset;
import io.conflux.features.FeatureMatrix;
import io.conflux.features.FeatureSet;
import io.conflux.features.Labels;
import io.conflux.features.Normalizer;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.model.Tensor;
import io.conflux.update.ModelUpdate;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A trader's contribution to one round, from their candles to the update they upload:
 * <ol>
 *   <li>keep only candles that open before the round's validation window (walk-forward: the round
 *       validates on later data, and ingest refuses an update whose declared data reaches into it);</li>
 *   <li>the shared feature set and next-candle labels; windows of the template's length;</li>
 *   <li>a chronological split: the last {@code validationFraction} of windows for early stopping;</li>
 *   <li>normalization fitted on the training split only;</li>
 *   <li>training from the round's base model ({@link LocalTrainer});</li>
 *   <li>the update: best parameters minus the base, optionally clipped and noised for differential
 *       privacy, and always brought within the round's norm bound.</li>
 * </ol>
 * Only the update's tensors, the number of training windows and the data's end time leave this class.
 */
public final class TrainingJob {

    /** The round as training needs it. */
    public record RoundSpec(String roundId, ModelTemplate template, Instant validationFrom, double normBound) {}

    /** The windows the trader trains and stops on, and where their data ends (the last candle a label reads). */
    public record Prepared(Dataset training, Dataset validation, Normalizer normalizer, Instant dataEnd, int candlesUsed,
                           int candlesAfterCutoff) {}

    /** What training produced, ready to seal. */
    public record Outcome(ModelUpdate update, LocalTrainer.Result training, double trainedNorm, double uploadNorm, String adjustment,
                          DifferentialPrivacy.Applied privacy) {}

    /** A trader's own data or settings cannot make an update for this round; the message says why and what to do. */
    public static final class TrainingException extends RuntimeException {
        TrainingException(String message) {
            super(message);
        }
    }

    private TrainingJob() {}

    public static Prepared prepare(Candles candles, RoundSpec round, double validationFraction, FeatureSet.Progress progress) {
        if (!(validationFraction > 0 && validationFraction < 0.5)) {
            throw new TrainingException("the validation fraction must lie in (0, 0.5), not " + validationFraction);
        }
        ModelTemplate t = round.template();
        FeatureSet features = FeatureSet.standard();
        if (features.size() != t.features()) {
            throw new TrainingException("round " + round.roundId() + " uses template " + t.id() + " with " + t.features()
                    + " features; this client computes " + features.size() + ": update the client");
        }
        Instant cutoff = round.validationFrom();
        if (!candles.openTime(0).isBefore(cutoff)) {
            throw new TrainingException("your candles start at " + candles.openTime(0) + ", not before the round's validation window (from "
                    + cutoff + "): training may only use candles that open before it");
        }
        Candles used = candles.slice(candles.openTime(0), cutoff);
        int after = candles.size() - used.size();
        FeatureMatrix m = features.compute(used, progress);
        Dataset all = Dataset.of(m, Labels.nextCandle(used), t);
        int minimum = 20;
        if (all.size() < minimum) {
            throw new TrainingException("only " + all.size() + " labelled windows of " + t.window() + " candles before " + cutoff
                    + " (each gap-free stretch first spends " + features.warmUp() + " candles on indicator warm-up); at least " + minimum
                    + " are needed: supply more history");
        }
        List<Dataset> parts = all.split(1 - validationFraction, validationFraction);
        Normalizer n = Normalizer.fit(parts.get(0));
        // the last candle any window reads is the one after its end: the label's close
        int lastLabel = all.endCandleIndex(all.size() - 1) + 1;
        return new Prepared(parts.get(0).normalized(n), parts.get(1).normalized(n), n, used.openTime(lastLabel), used.size(), after);
    }

    /**
     * Trains from {@code base} and builds the update. Without DP an update above the round's norm bound is
     * scaled to just within it (it would be refused otherwise); with DP the clip must leave room for the
     * noise, or this refuses with the figures.
     */
    public static Outcome train(ModelParameters base, RoundSpec round, Prepared data, LocalTrainer.Options options,
                                DifferentialPrivacy.Params dp, RandomGenerator noise, String trader, LocalTrainer.Listener listener) {
        if (!base.template().equals(round.template())) throw new IllegalArgumentException("the base model is not of the round's template");
        if (dp != null && dp.clip() >= round.normBound()) {
            throw new TrainingException("the DP clip " + dp.clip() + " must be below the round's norm bound " + round.normBound()
                    + " (the noise adds to the norm)");
        }
        LocalTrainer.Result r = LocalTrainer.train(base, data.training(), data.validation(), options, listener);
        float[] delta = r.best().values().clone();
        float[] b = base.values();
        for (int i = 0; i < delta.length; i++) delta[i] -= b[i];
        double trained = norm(delta);
        DifferentialPrivacy.Applied applied = null;
        String adjustment = null;
        if (dp != null) {
            applied = DifferentialPrivacy.apply(delta, dp, noise);
            delta = applied.values();
            double n = norm(delta);
            if (n > round.normBound()) {
                throw new TrainingException(String.format("with DP the update's norm is %.4f (noise alone %.4f over %d values) > the round's bound %s: "
                                + "lower --dp-clip (the noise's norm grows as clip x multiplier x sqrt(values))", n, applied.noiseNorm(), delta.length,
                        round.normBound()));
            }
            if (applied.scale() < 1) adjustment = String.format("clipped from norm %.4f to %.4f for DP", trained, dp.clip());
        } else if (trained > round.normBound()) {
            double s = 0.999 * round.normBound() / trained; // a hair inside: the platform recomputes the norm
            for (int i = 0; i < delta.length; i++) delta[i] *= (float) s;
            adjustment = String.format("scaled from norm %.4f to %.4f, within the round's bound %s", trained, norm(delta), round.normBound());
        }
        ModelUpdate update = new ModelUpdate(round.roundId(), trader, Instant.now(), data.training().size(), round.template().id(),
                tensors(round.template(), delta), data.dataEnd());
        return new Outcome(update, r, trained, update.l2Norm(), adjustment, applied);
    }

    static List<Tensor> tensors(ModelTemplate t, float[] flat) {
        return new ModelParameters(t, flat).tensors();
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }
}
