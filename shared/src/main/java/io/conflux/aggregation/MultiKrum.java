package io.conflux.aggregation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Multi-Krum (Blanchard et al., 2017): with at most f Byzantine updates, score each update by the sum
 * of its squared distances to its K - f - 2 nearest others, keep the m best scored, and average those
 * (sample-weighted, exactly, as {@link FedAvg}).
 *
 * <p>The K x K squared distances are accumulated shard by shard, never holding whole updates: memory is
 * K x shard floats per worker plus the K x K matrix. Shard matrices are added in shard order and ties in
 * score go to the canonical (id) order, so the selection is deterministic.
 */
public final class MultiKrum implements AggregationStrategy {
    private final int f;
    private final int m;
    private final FedAvg average;
    private final double valueBound;
    private final int shard;

    public MultiKrum(int f, int m, double valueBound) {
        this(f, m, valueBound, DEFAULT_SHARD);
    }

    public MultiKrum(int f, int m, double valueBound, int shard) {
        if (f < 0 || m < 1) throw new IllegalArgumentException("Multi-Krum needs f >= 0 and m >= 1");
        this.f = f;
        this.m = m;
        this.average = new FedAvg(valueBound, shard);
        this.valueBound = valueBound;
        this.shard = shard;
    }

    @Override
    public String rule() {
        return "multi-krum(f=" + f + ",m=" + m + ")";
    }

    @Override
    public Aggregate aggregate(UpdateSource src) {
        int k = src.size();
        requireFits(k);
        int[] selected = select(squaredDistances(src));
        long samples = 0;
        for (int s : selected) samples += src.samples(s);
        FedAvg.Partial p = average.partial(src, selected, FedAvg.scaleBits(valueBound, samples));
        return new Aggregate(rule(), p.average(), FedAvg.ids(src), FedAvg.sampleWeights(src, selected), new boolean[k]);
    }

    /** @throws IllegalArgumentException if k updates are too few for f and m */
    public void requireFits(int k) {
        if (k < 2 * f + 3) throw new IllegalArgumentException("Multi-Krum with f=" + f + " needs at least " + (2 * f + 3) + " updates, got " + k);
        if (m > k - f) throw new IllegalArgumentException("Multi-Krum cannot keep m=" + m + " of " + k + " updates with f=" + f);
    }

    /** The same rule with another shard width (the distances then add up shard by shard of that width). */
    public MultiKrum withShard(int shardWidth) {
        return new MultiKrum(f, m, valueBound, shardWidth);
    }

    public int keep() {
        return m;
    }

    /** The m updates with the best Krum scores, in canonical order (ties go to the lower index). */
    public int[] select(double[][] d) {
        int k = d.length;
        double[] scores = scores(d, k - f - 2);
        return IntStream.range(0, k).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i))
                .limit(m).mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Completes a matrix accumulated in its upper triangle (a < b) by symmetry. */
    public static void mirror(double[][] d) {
        for (int a = 0; a < d.length; a++) {
            for (int b = a + 1; b < d.length; b++) d[b][a] = d[a][b];
        }
    }

    /** The pairwise squared L2 distances, accumulated over coordinate shards in shard order. */
    public double[][] squaredDistances(UpdateSource src) {
        int k = src.size(), p = src.dimension();
        int shards = (p + shard - 1) / shard;
        double[][][] perShard = new double[shards][][];
        IntStream.range(0, shards).parallel().forEach(sh -> {
            int from = sh * shard, to = Math.min(p, from + shard), len = to - from;
            float[] block = new float[k * len];
            for (int u = 0; u < k; u++) src.read(u, from, to, block, u * len);
            double[][] d = new double[k][k];
            for (int a = 0; a < k; a++) {
                for (int b = a + 1; b < k; b++) {
                    double s = 0;
                    int oa = a * len, ob = b * len;
                    for (int i = 0; i < len; i++) {
                        float diff = block[oa + i] - block[ob + i];
                        s += (double) diff * diff;
                    }
                    d[a][b] = s;
                }
            }
            perShard[sh] = d;
        });
        double[][] d = new double[k][k];
        for (double[][] s : perShard) {
            for (int a = 0; a < k; a++) {
                for (int b = a + 1; b < k; b++) d[a][b] += s[a][b];
            }
        }
        mirror(d);
        return d;
    }

    /** Each update's Krum score: the sum of its {@code nearest} smallest distances to the others. */
    public static double[] scores(double[][] d, int nearest) {
        int k = d.length;
        double[] scores = new double[k];
        double[] row = new double[k - 1];
        for (int a = 0; a < k; a++) {
            int j = 0;
            for (int b = 0; b < k; b++) if (b != a) row[j++] = d[a][b];
            Arrays.sort(row);
            double s = 0;
            for (int i = 0; i < nearest; i++) s += row[i];
            scores[a] = s;
        }
        return scores;
    }
}
