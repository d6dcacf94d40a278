package io.conflux.evaluation;

import io.conflux.features.Candles;
import io.conflux.features.Dataset;
import io.conflux.features.FeatureMatrix;
import io.conflux.features.FeatureSet;
import io.conflux.features.Labels;
import io.conflux.features.Normalizer;
import io.conflux.model.ModelTemplate;
import java.time.Instant;

/**
 * A round's validation set from public candles, with the feature code the traders use: every window
 * ending in {@code [from, to)} whose label (the next candle) also lies before {@code to}. The
 * normalizer is fitted on the feature rows before {@code from} only (walk-forward: nothing of the
 * window, or after it, shapes the inputs).
 */
public final class ValidationSets {
    /** Where public candles live in the models bucket: {@code market/<market>.csv}, e.g. {@code market/btc-usdt-1h.csv}. */
    public static final String MARKET_PREFIX = "market/";

    private ValidationSets() {}

    public static ValidationSet of(Candles candles, ModelTemplate template, Instant from, Instant to) {
        FeatureMatrix features = FeatureSet.standard().compute(candles);
        int firstValidationRow = -1;
        for (int r = 0; r < features.rows(); r++) {
            if (!features.openTime(r).isBefore(from)) {
                firstValidationRow = r;
                break;
            }
        }
        if (firstValidationRow < 2) {
            throw new IllegalArgumentException("the candles of " + candles.source() + " leave no history before " + from + " to fit the normalizer on");
        }
        Normalizer normalizer = Normalizer.fit(features, 0, firstValidationRow);
        Dataset all = Dataset.of(features, Labels.nextCandle(candles), template).normalized(normalizer);
        int first = -1, last = -1;
        for (int i = 0; i < all.size(); i++) {
            Instant end = all.endTime(i);
            int next = all.endCandleIndex(i) + 1;
            if (end.isBefore(from) || next >= candles.size() || !candles.openTime(next).isBefore(to)) continue;
            if (first < 0) first = i;
            last = i;
        }
        if (first < 0) throw new IllegalArgumentException("no validation window of " + candles.source() + " ends in [" + from + ", " + to + ")");
        int count = last - first + 1;
        int[] labels = new int[count];
        double[] returns = new double[count];
        for (int i = 0; i < count; i++) {
            int c = all.endCandleIndex(first + i);
            labels[i] = all.label(first + i);
            returns[i] = Math.log(candles.close(c + 1) / candles.close(c));
        }
        return new ValidationSet(all.inputs(first, last + 1), count, template.window(), template.features(), labels, returns);
    }
}
