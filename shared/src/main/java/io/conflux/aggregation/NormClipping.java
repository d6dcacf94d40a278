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
        Clipped clipped = new Clipped(src, maxNorm);
        Aggregate a = inner.aggregate(clipped);
        boolean[] flags = new boolean[src.size()];
        for (int k = 0; k < flags.length; k++) flags[k] = clipped.scale[k] < 1;
        return new Aggregate(rule(), a.values(), a.ids(), a.weights(), flags);
    }

    /** The L2 norm of each update, in double, summed in coordinate order. */
    static double[] norms(UpdateSource src) {
        int p = src.dimension();
        return IntStream.range(0, src.size()).parallel().mapToDouble(k -> {
            float[] buf = new float[Math.min(p, DEFAULT_SHARD)];
            double s = 0;
            for (int from = 0; from < p; from += buf.length) {
                int to = Math.min(p, from + buf.length);
                src.read(k, from, to, buf, 0);
                for (int i = 0; i < to - from; i++) s += (double) buf[i] * buf[i];
            }
            return Math.sqrt(s);
        }).toArray();
    }

    private static final class Clipped implements UpdateSource {
        private final UpdateSource src;
        private final float[] scale;

        Clipped(UpdateSource src, double maxNorm) {
            this.src = src;
            double[] norms = norms(src);
            this.scale = new float[norms.length];
            for (int k = 0; k < norms.length; k++) scale[k] = norms[k] > maxNorm ? (float) (maxNorm / norms[k]) : 1f;
        }

        @Override
        public int size() {
            return src.size();
        }

        @Override
        public int dimension() {
            return src.dimension();
        }

        @Override
        public String id(int k) {
            return src.id(k);
        }

        @Override
        public long samples(int k) {
            return src.samples(k);
        }

        @Override
        public void read(int k, int from, int to, float[] dst, int offset) {
            src.read(k, from, to, dst, offset);
            float s = scale[k];
            if (s < 1) {
                for (int i = offset; i < offset + (to - from); i++) dst[i] *= s;
            }
        }
    }
}
