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

    /** Where a market's public candles live in the models bucket. */
    public static String marketKey(String market) {
        return MARKET_PREFIX + market + ".csv";
    }

    /** A market's public candles from the models bucket (evaluation, backtests and the replay feed read them here). */
    public static Candles publicCandles(io.conflux.federation.Blobs models, String market) throws java.io.IOException {
        String key = marketKey(market);
        byte[] csv = models.find(key).orElseThrow(() -> new java.io.IOException("no public candles for " + market + ": put them at " + key + " in the models bucket"));
        return Candles.readCsv(new java.io.StringReader(new String(csv, java.nio.charset.StandardCharsets.UTF_8)), market);
    }

    public static ValidationSet of(Candles candles, ModelTemplate template, Instant from, Instant to) {
        FeatureMatrix features = FeatureSet.standard().compute(candles);
        Normalizer normalizer = Normalizer.fitBefore(features, from);
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
