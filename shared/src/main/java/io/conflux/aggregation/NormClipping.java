package io.conflux.aggregation;

import java.util.stream.IntStream;

/**
 * Norm clipping as a pre-step for any strategy: an update whose L2 norm exceeds {@code maxNorm} is
 * scaled down to exactly that norm, the others pass unchanged. Norms are computed once, shard by
 * shard; scaling happens as the strategy reads.
 */
public final class NormClipping implements AggregationStrategy {
    private final double maxNorm;
    private final AggregationStrategy inner;

    public NormClipping(double maxNorm, AggregationStrategy inner) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) throw new IllegalArgumentException("maxNorm must be positive and finite");
        this.maxNorm = maxNorm;
        this.inner = inner;
    }

    public double maxNorm() {
        return maxNorm;
    }

    public AggregationStrategy inner() {
        return inner;
    }

    @Override
    public String rule() {
        return "clip(max=" + maxNorm + ")+" + inner.rule();
    }

    @Override
    public Aggregate aggregate(UpdateSource src) {
        double[] norms = norms(src);
        float[] scale = new float[norms.length];
        boolean[] flags = new boolean[norms.length];
        for (int k = 0; k < norms.length; k++) {
            scale[k] = scale(maxNorm, norms[k]);
            flags[k] = scale[k] < 1;
        }
        Aggregate a = inner.aggregate(new Scaled(src, scale));
        return new Aggregate(rule(), a.values(), a.ids(), a.weights(), flags);
    }

    /** The factor an update of L2 norm {@code norm} is multiplied by: maxNorm / norm when above it, else 1. */
    public static float scale(double maxNorm, double norm) {
        return norm > maxNorm ? (float) (maxNorm / norm) : 1f;
    }

    /** The L2 norm of one update, in double, summed in coordinate order: the one norm the platform uses. */
    public static double norm(float[] values) {
        double s = 0;
        for (float v : values) s += (double) v * v;
        return Math.sqrt(s);
    }

    /** The norm of each update of a source (an update at a time in memory). */
    static double[] norms(UpdateSource src) {
        int p = src.dimension();
        return IntStream.range(0, src.size()).parallel().mapToDouble(k -> {
            float[] values = new float[p];
            src.read(k, 0, p, values, 0);
            return norm(values);
        }).toArray();
    }
}
