package io.conflux.federation;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.aggregation.FedAvg;
import io.conflux.aggregation.InMemorySource;
import io.conflux.aggregation.MultiKrum;
import io.conflux.aggregation.Strategies;
import io.conflux.aggregation.UpdateSource;
import io.conflux.update.UploadRecord;
import io.conflux.update.UploadStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The round's fan-out (batches of updates, coordinate shards) computes exactly what the in-process
 * strategy computes on the same updates, for every rule and whatever the batch size: the plan, batch
 * files and shard reads are exercised as the workflow uses them, with only the bucket left out.
 */
class FanOutTest {
    private static final int P = 3_001; // not a multiple of the shard width: the last shard is short

    @ParameterizedTest
    @ValueSource(strings = {"fedavg", "median", "trimmed-mean(beta=0.2)", "multi-krum(f=2,m=6)",
            "clip(max=1.5)+fedavg", "clip(max=1.5)+median", "clip(max=1.5)+multi-krum(f=2,m=6)"})
    void fanOut_equalsTheInProcessStrategy_forEveryBatchSize(String rule) {
        List<InMemorySource.Update> ups = updates(13, 7);
        for (int batchSize : new int[] {1, 4, 13, 50}) {
            RoundPlan plan = RoundPlan.of("r-1", "t", rule, 10.0, P, batchSize, 13L * 700, "genesis", records(ups));
            assertTrue(plan.shards() > 1, "the test must cut the coordinates into several shards");
            UpdateSource canonical = new InMemorySource(ups);
            var strategy = Strategies.parse(rule, 10.0);
            if (plan.kind() == RoundPlan.Kind.KRUM) {
                // Krum's distance sums run shard by shard: compare with the same shard width in process
                MultiKrum inner = ((MultiKrum) plan.innerStrategy()).withShard(plan.shardWidth());
                strategy = plan.clipNorm() > 0 ? new io.conflux.aggregation.NormClipping(plan.clipNorm(), inner) : inner;
            }
            float[] expected = strategy.aggregate(canonical).values();
            assertArrayEquals(expected, run(plan, canonical), rule + " with batches of " + batchSize);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7})
    void batchFiles_roundTripEveryUpdate(int batchSize) {
        List<InMemorySource.Update> ups = updates(7, 3);
        RoundPlan plan = RoundPlan.of("r-1", "t", "median", 10.0, P, batchSize, 7L * 500, "genesis", records(ups));
        InMemorySource src = new InMemorySource(ups);
        for (int b = 0; b < plan.batches(); b++) {
            int n = plan.batchEnd(b) - plan.batchStart(b);
            ByteBuffer file = ByteBuffer.wrap(FanOut.encodeBatch(plan, batch(plan, src, b)));
            for (int i = 0; i < n; i++) {
                float[] want = new float[P];
                src.read(plan.batchStart(b) + i, 0, P, want, 0);
                assertArrayEquals(want, FanOut.decodeUpdate(plan, file, n, i));
            }
        }
    }

    /** The workflow's decode / reduce / combine arithmetic, with byte arrays standing in for the work bucket's objects. */
    static float[] run(RoundPlan plan, UpdateSource src) {
        List<byte[]> files = new ArrayList<>();
        double[] norms = new double[plan.size()];
        List<FedAvg.Partial> partials = new ArrayList<>();
        for (int b = 0; b < plan.batches(); b++) {
            float[][] values = batch(plan, src, b);
            long[] samples = new long[values.length];
            double[] n = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                n[i] = io.conflux.aggregation.NormClipping.norm(values[i]);
                norms[plan.batchStart(b) + i] = n[i];
                samples[i] = plan.updates().get(plan.batchStart(b) + i).samples();
            }
            files.add(FanOut.encodeBatch(plan, values));
            if (plan.kind() == RoundPlan.Kind.SUM) partials.add(FanOut.sumPartial(plan, values, samples, n));
        }
        if (plan.kind() == RoundPlan.Kind.SUM) return FanOut.combineSums(partials.toArray(FedAvg.Partial[]::new));
        float[] out = new float[plan.dimension()];
        double[][] uppers = new double[plan.shards()][];
        for (int s = 0; s < plan.shards(); s++) {
            int width = plan.shardEnd(s) - plan.shardStart(s);
            float[] block = new float[plan.size() * width];
            for (int b = 0; b < plan.batches(); b++) {
                int n = plan.batchEnd(b) - plan.batchStart(b);
                long[] range = FanOut.shardRange(plan, n, s);
                ByteBuffer.wrap(files.get(b), (int) range[0], (int) range[1]).slice().order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer().get(block, plan.batchStart(b) * width, n * width);
            }
            UpdateSource view = FanOut.shardView(plan, block, width, norms);
            if (plan.kind() == RoundPlan.Kind.KRUM) uppers[s] = FanOut.reduceDistances(plan, view);
            else System.arraycopy(FanOut.reduceStatistic(plan, view), 0, out, plan.shardStart(s), width);
        }
        if (plan.kind() == RoundPlan.Kind.COORDINATE) return out;
        int[] selected = FanOut.krumSelect(plan, uppers);
        long samples = 0;
        for (int k : selected) samples += plan.updates().get(k).samples();
        float[][] values = new float[selected.length][];
        long[] s = new long[selected.length];
        double[] n = new double[selected.length];
        for (int i = 0; i < selected.length; i++) {
            values[i] = new float[P];
            src.read(selected[i], 0, P, values[i], 0);
            s[i] = plan.updates().get(selected[i]).samples();
            n[i] = norms[selected[i]];
        }
        return FanOut.combineSums(new FedAvg.Partial[] {FanOut.sumPartial(plan, values, s, n, FedAvg.scaleBits(plan.valueBound(), samples))});
    }

    static float[][] batch(RoundPlan plan, UpdateSource src, int b) {
        int from = plan.batchStart(b), n = plan.batchEnd(b) - from;
        float[][] values = new float[n][P];
        for (int i = 0; i < n; i++) src.read(from + i, 0, P, values[i], 0);
        return values;
    }

    /** Honest updates around one direction, two of them far off (one scaled, one sign-flipped), so clipping and Krum have work. */
    static List<InMemorySource.Update> updates(int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] dir = new float[P];
        for (int i = 0; i < P; i++) dir[i] = (float) (0.02 * (r.nextDouble() * 2 - 1));
        List<InMemorySource.Update> out = new ArrayList<>();
        for (int u = 0; u < k; u++) {
            float[] v = new float[P];
            float scale = u == 0 ? 8f : u == 1 ? -1f : 1f;
            for (int i = 0; i < P; i++) v[i] = scale * (dir[i] + (float) (0.01 * (r.nextDouble() * 2 - 1)));
            out.add(new InMemorySource.Update(String.format("%064x", 1000 + u * 7919L), 100 + r.nextInt(900), v));
        }
        return out;
    }

    static List<UploadRecord> records(List<InMemorySource.Update> ups) {
        List<UploadRecord> out = new ArrayList<>();
        for (InMemorySource.Update u : ups) {
            out.add(new UploadRecord("r-1", "u-" + u.id().substring(56), "0xtrader" + u.id().substring(60), UploadStatus.ACCEPTED,
                    Instant.EPOCH, 1, "k", "e", "v", 1L, Instant.EPOCH, Instant.EPOCH, u.id(), u.samples(), 1.0, null, null));
        }
        return out;
    }
}
