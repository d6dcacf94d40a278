package io.conflux.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Federated averaging weighted by sample count, summed exactly in fixed point.
 *
 * <p>Each value is scaled by 2^S and truncated to a {@code long}; the sample-weighted integers are
 * added up; the sum is divided by the total samples and 2^S at the end. Integer addition is
 * associative, so the result is bit-identical whatever the order of the updates and however a
 * fan-out partitions them: partial sums ({@link Partial}) combine by addition. S depends only on the
 * whole round (the value bound, |value| < 2^b, and the total sample count N < 2^n), never on a
 * partition, and is chosen so the sum cannot overflow: S = 62 - b - n. With a norm bound of 10 and
 * 3.5 million samples, S = 36: a resolution of 1.5e-11, far below float32's precision at the values an
 * update holds.
 *
 * <p>Memory: one {@code long} per coordinate, whatever the number of updates.
 */
public final class FedAvg implements AggregationStrategy {
    private final double valueBound;
    private final int shard;

    /** @param valueBound no value of any update exceeds this in magnitude (the round's norm bound guarantees it) */
    public FedAvg(double valueBound) {
        this(valueBound, DEFAULT_SHARD);
    }

    public FedAvg(double valueBound, int shard) {
        if (!(valueBound > 0) || Double.isInfinite(valueBound)) throw new IllegalArgumentException("the value bound must be positive and finite");
        this.valueBound = valueBound;
        this.shard = shard;
    }

    @Override
    public String rule() {
        return "fedavg";
    }

    /** The fixed-point scale exponent for a round. */
    public static int scaleBits(double valueBound, long totalSamples) {
        int b = Math.getExponent(valueBound) + 1;                      // valueBound < 2^b
        int n = 64 - Long.numberOfLeadingZeros(totalSamples);          // totalSamples < 2^n
        int s = 62 - b - n;
        if (s < 8) throw new IllegalArgumentException("value bound " + valueBound + " and " + totalSamples + " samples leave too little precision");
        return Math.min(s, 200);
    }

    /** A partition's exact sample-weighted sum, at a round-wide scale. */
    public record Partial(int scaleBits, long[] sums, long samples) {
        public Partial plus(Partial other) {
            if (other.scaleBits != scaleBits || other.sums.length != sums.length) throw new IllegalArgumentException("partials of different rounds");
            long[] s = sums.clone();
            for (int i = 0; i < s.length; i++) s[i] += other.sums[i];
            return new Partial(scaleBits, s, samples + other.samples);
        }

        /** The average: exact sum / (samples x 2^S), rounded once to float. */
        public float[] average() {
            double inv = Math.scalb(1.0 / samples, -scaleBits);
            float[] out = new float[sums.length];
            for (int i = 0; i < out.length; i++) out[i] = (float) (sums[i] * inv);
            return out;
        }
    }

    /**
     * The exact weighted sum of the updates {@code ks} of a source (a fan-out batch), at scale
     * {@code scaleBits}. Values the source holds in arrays are summed where they lie, without a copy.
     */
    public Partial partial(UpdateSource src, int[] ks, int scaleBits) {
        for (int k : ks) {
            // beyond the bound (or NaN), the fixed-point sum could overflow: refuse, naming the update
            if (!(src.maxAbs(k) <= valueBound)) throw new IllegalArgumentException("update " + src.id(k) + " has a value beyond the bound " + valueBound);
        }
        int p = src.dimension();
        long[] sums = new long[p];
        double scale = Math.scalb(1.0, scaleBits);
        int shards = (p + shard - 1) / shard;
        IntStream.range(0, shards).parallel().forEach(sh -> {
            int from = sh * shard, to = Math.min(p, from + shard);
            float[] buf = null;
            for (int k : ks) {
                long n = src.samples(k);
                float[] held = src.values(k);
                if (held != null) {
                    for (int i = from; i < to; i++) sums[i] += n * (long) (held[i] * scale);
                } else {
                    if (buf == null) buf = new float[to - from];
                    src.read(k, from, to, buf, 0);
                    for (int i = 0; i < buf.length; i++) sums[from + i] += n * (long) (buf[i] * scale);
                }
            }
        });
        long samples = 0;
        for (int k : ks) samples += src.samples(k);
        return new Partial(scaleBits, sums, samples);
    }

    @Override
    public Aggregate aggregate(UpdateSource src) {
        int[] all = IntStream.range(0, src.size()).toArray();
        Partial p = partial(src, all, scaleBits(valueBound, src.totalSamples()));
        return new Aggregate(rule(), p.average(), ids(src), sampleWeights(src, all), new boolean[src.size()]);
    }

    static List<String> ids(UpdateSource src) {
        List<String> ids = new ArrayList<>(src.size());
        for (int k = 0; k < src.size(); k++) ids.add(src.id(k));
        return ids;
    }

    /** Each selected update's share of the samples of the selected ones; 0 for the others. */
    static double[] sampleWeights(UpdateSource src, int[] selected) {
        double[] w = new double[src.size()];
        long total = 0;
        for (int k : selected) total += src.samples(k);
        for (int k : selected) w[k] = (double) src.samples(k) / total;
        return w;
    }
}
