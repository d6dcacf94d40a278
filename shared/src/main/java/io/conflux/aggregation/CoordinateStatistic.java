package io.conflux.aggregation;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Robust rules that take, coordinate by coordinate, a statistic of the K values: the median, or the
 * mean after trimming the largest and smallest. Computed shard by shard (K x shard floats in memory per
 * worker); each coordinate's values are sorted first, so the result does not depend on update order.
 */
public final class CoordinateStatistic implements AggregationStrategy {
    private final double trimFraction; // < 0 for the median
    private final int shard;

    private CoordinateStatistic(double trimFraction, int shard) {
        this.trimFraction = trimFraction;
        this.shard = shard;
    }

    public static CoordinateStatistic median() {
        return new CoordinateStatistic(-1, DEFAULT_SHARD);
    }

    /** @param beta the fraction of updates dropped at each end, in [0, 0.5) */
    public static CoordinateStatistic trimmedMean(double beta) {
        if (!(beta >= 0 && beta < 0.5)) throw new IllegalArgumentException("beta must be in [0, 0.5)");
        return new CoordinateStatistic(beta, DEFAULT_SHARD);
    }

    public CoordinateStatistic withShard(int shardSize) {
        return new CoordinateStatistic(trimFraction, shardSize);
    }

    @Override
    public String rule() {
        return trimFraction < 0 ? "median" : "trimmed-mean(beta=" + trimFraction + ")";
    }

    @Override
    public Aggregate aggregate(UpdateSource src) {
        int k = src.size(), p = src.dimension();
        int trim = trimFraction < 0 ? 0 : (int) Math.floor(trimFraction * k);
        if (k - 2 * trim < 1) throw new IllegalArgumentException("trimming " + trim + " from each end of " + k + " updates leaves none");
        float[] out = new float[p];
        int shards = (p + shard - 1) / shard;
        IntStream.range(0, shards).parallel().forEach(sh -> {
            int from = sh * shard, to = Math.min(p, from + shard), len = to - from;
            float[] block = new float[k * len]; // update-major: block[u * len + i]
            for (int u = 0; u < k; u++) src.read(u, from, to, block, u * len);
            float[] column = new float[k];
            for (int i = 0; i < len; i++) {
                for (int u = 0; u < k; u++) column[u] = block[u * len + i];
                Arrays.sort(column);
                out[from + i] = trimFraction < 0 ? median(column) : mean(column, trim, k - trim);
            }
        });
        double[] weights = new double[k];
        Arrays.fill(weights, 1.0 / k);
        return new Aggregate(rule(), out, FedAvg.ids(src), weights, new boolean[k]);
    }

    private static float median(float[] sorted) {
        int n = sorted.length;
        return (n & 1) == 1 ? sorted[n / 2] : (float) (((double) sorted[n / 2 - 1] + sorted[n / 2]) / 2);
    }

    private static float mean(float[] sorted, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += sorted[i];
        return (float) (s / (to - from));
    }
}
