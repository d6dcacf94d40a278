package io.conflux.federation;

import io.conflux.aggregation.CoordinateStatistic;
import io.conflux.aggregation.FedAvg;
import io.conflux.aggregation.MultiKrum;
import io.conflux.aggregation.Scaled;
import io.conflux.aggregation.UpdateSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The arithmetic of the round's fan-out, free of storage: what a decode batch writes, what a coordinate
 * shard reduces to, and how the final step combines them. Every rule gives, bit for bit, what the
 * in-process strategy gives on the same updates (tested), whatever the batch size.
 *
 * <p>Batch files hold a batch's n updates shard-major: for shard s, the n updates' values of the
 * shard's coordinates, update after update. A shard worker thus reads one contiguous range per batch.
 */
public final class FanOut {
    private FanOut() {}

    /** A batch's updates in the shard-major layout, little-endian float32. */
    public static byte[] encodeBatch(RoundPlan plan, float[][] batch) {
        int n = batch.length;
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(Math.multiplyExact(n, plan.dimension()), 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < plan.shards(); s++) {
            int from = plan.shardStart(s), to = plan.shardEnd(s);
            for (float[] u : batch) {
                for (int i = from; i < to; i++) b.putFloat(u[i]);
            }
        }
        return b.array();
    }

    /** Where shard {@code s} of a batch of {@code n} updates lies in its batch file: {offset, length} in bytes. */
    public static long[] shardRange(RoundPlan plan, int n, int s) {
        long from = (long) n * plan.shardStart(s) * 4;
        return new long[] {from, (long) n * (plan.shardEnd(s) - plan.shardStart(s)) * 4};
    }

    /** Update {@code u} of a batch back from its batch file (all shards). */
    public static float[] decodeUpdate(RoundPlan plan, ByteBuffer batchFile, int n, int u) {
        ByteBuffer b = batchFile.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[plan.dimension()];
        for (int s = 0; s < plan.shards(); s++) {
            int from = plan.shardStart(s), w = plan.shardEnd(s) - from;
            int base = (int) (shardRange(plan, n, s)[0] / 4) + u * w;
            for (int i = 0; i < w; i++) out[from + i] = b.getFloat((base + i) * 4);
        }
        return out;
    }

    /** A batch's exact FedAvg partial sum, each update scaled by its clip factor first. */
    public static FedAvg.Partial sumPartial(RoundPlan plan, float[][] batch, long[] samples, double[] norms) {
        return sumPartial(plan, batch, samples, norms, plan.scaleBits());
    }

    /** The same at another fixed-point scale (Multi-Krum's, from the samples of the kept updates). */
    public static FedAvg.Partial sumPartial(RoundPlan plan, float[][] batch, long[] samples, double[] norms, int scaleBits) {
        UpdateSource src = new Scaled(new Block(batch.length, plan.dimension(),
                (k, from, to, dst, off) -> System.arraycopy(batch[k], from, dst, off, to - from), samples), scales(plan, norms));
        return new FedAvg(plan.valueBound()).partial(src, IntStream.range(0, batch.length).toArray(), scaleBits);
    }

    /** The partial sums of all batches, added in batch order (exact integers: any order gives the same). */
    public static float[] combineSums(FedAvg.Partial[] partials) {
        FedAvg.Partial total = partials[0];
        for (int i = 1; i < partials.length; i++) total = total.plus(partials[i]);
        return total.average();
    }

    /**
     * A coordinate shard's view of all K updates: {@code block} holds, update after update, the shard's
     * {@code width} values of each (K x width floats), clipped as they are read.
     */
    public static UpdateSource shardView(RoundPlan plan, float[] block, int width, double[] norms) {
        long[] samples = plan.updates().stream().mapToLong(RoundPlan.Entry::samples).toArray();
        return new Scaled(new Block(plan.size(), width,
                (k, from, to, dst, off) -> System.arraycopy(block, k * width + from, dst, off, to - from), samples), scales(plan, norms));
    }

    /** Median / trimmed mean of a shard: its values of the aggregate. */
    public static float[] reduceStatistic(RoundPlan plan, UpdateSource shard) {
        CoordinateStatistic rule = ((CoordinateStatistic) plan.innerStrategy()).withShard(plan.shardWidth());
        return rule.aggregate(shard).values();
    }

    /** Multi-Krum: a shard's partial pairwise squared distances (upper triangle, row-major a < b). */
    public static double[] reduceDistances(RoundPlan plan, UpdateSource shard) {
        MultiKrum rule = krum(plan);
        double[][] d = rule.squaredDistances(shard);
        int k = d.length;
        double[] upper = new double[k * (k - 1) / 2];
        int i = 0;
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) upper[i++] = d[a][b];
        }
        return upper;
    }

    /** Multi-Krum: adds the shards' partial distances in shard order and selects the m kept updates. */
    public static int[] krumSelect(RoundPlan plan, double[][] shardUppers) {
        int k = plan.size();
        double[][] d = new double[k][k];
        for (double[] upper : shardUppers) {
            int i = 0;
            for (int a = 0; a < k; a++) {
                for (int b = a + 1; b < k; b++) d[a][b] += upper[i++];
            }
        }
        MultiKrum.mirror(d);
        return krum(plan).select(d);
    }

    static MultiKrum krum(RoundPlan plan) {
        MultiKrum inner = ((MultiKrum) plan.innerStrategy()).withShard(plan.shardWidth());
        inner.requireFits(plan.size());
        return inner;
    }

    /** Each update's weight in the result (what the receipt lists) and whether it was clipped. */
    public static double[] weights(RoundPlan plan, int[] selected) {
        double[] w = new double[plan.size()];
        switch (plan.kind()) {
            case COORDINATE -> Arrays.fill(w, 1.0 / plan.size());
            case SUM, KRUM -> {
                int[] sel = plan.kind() == RoundPlan.Kind.SUM ? IntStream.range(0, plan.size()).toArray() : selected;
                long total = 0;
                for (int k : sel) total += plan.updates().get(k).samples();
                for (int k : sel) w[k] = (double) plan.updates().get(k).samples() / total;
            }
        }
        return w;
    }

    static float[] scales(RoundPlan plan, double[] norms) {
        float[] s = new float[norms.length];
        for (int k = 0; k < norms.length; k++) s[k] = plan.clipScale(norms[k]);
        return s;
    }

    @FunctionalInterface
    interface Reader {
        void read(int k, int from, int to, float[] dst, int offset);
    }

    /** Updates read through a function (a batch's arrays, a shard's block). */
    private record Block(int size, int dimension, Reader reader, long[] samples) implements UpdateSource {
        @Override
        public String id(int k) {
            return Integer.toString(k);
        }

        @Override
        public long samples(int k) {
            return samples[k];
        }

        @Override
        public void read(int k, int from, int to, float[] dst, int offset) {
            reader.read(k, from, to, dst, offset);
        }
    }

    /** A FedAvg partial as a work file: the sums then the sample count, little-endian longs. */
    public static byte[] partialBytes(FedAvg.Partial p) {
        ByteBuffer b = ByteBuffer.allocate((p.sums().length + 1) * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(p.sums()).put(p.samples());
        return b.array();
    }

    public static FedAvg.Partial partialOf(byte[] bytes, int scaleBits) {
        long[] v = new long[bytes.length / 8];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
        return new FedAvg.Partial(scaleBits, Arrays.copyOf(v, v.length - 1), v[v.length - 1]);
    }
}
