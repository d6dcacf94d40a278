package io.conflux.aggregation;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AggregationTest {
    private static final int P = 1_000;

    static List<InMemorySource.Update> honest(int k, long seed, float[] direction) {
        SplittableRandom r = new SplittableRandom(seed);
        List<InMemorySource.Update> out = new ArrayList<>();
        for (int u = 0; u < k; u++) {
            float[] v = new float[direction.length];
            for (int i = 0; i < v.length; i++) v[i] = direction[i] + (float) (0.05 * (r.nextDouble() * 2 - 1));
            out.add(new InMemorySource.Update(String.format("h%03d-%d", u, seed), 100 + r.nextInt(900), v));
        }
        return out;
    }

    static float[] direction(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[P];
        for (int i = 0; i < P; i++) d[i] = (float) (0.1 * (r.nextDouble() * 2 - 1));
        return d;
    }

    @Test
    void fedAvg_isTheSampleWeightedMean_computedExactlyElsewhere() {
        List<InMemorySource.Update> ups = honest(7, 1, direction(1));
        float[] got = new FedAvg(10).aggregate(new InMemorySource(ups)).values();
        long total = ups.stream().mapToLong(InMemorySource.Update::samples).sum();
        for (int i = 0; i < P; i++) {
            BigDecimal s = BigDecimal.ZERO;
            for (var u : ups) s = s.add(new BigDecimal(u.values()[i]).multiply(BigDecimal.valueOf(u.samples())));
            float expected = s.divide(BigDecimal.valueOf(total), MathContext.DECIMAL128).floatValue();
            assertEquals(expected, got[i], Math.ulp(expected) * 2 + 1e-9f, "coordinate " + i);
        }
    }

    @Test
    void fedAvg_isBitIdentical_whateverTheOrderPartitionOrShardSize() {
        List<InMemorySource.Update> ups = honest(23, 2, direction(2));
        FedAvg fedAvg = new FedAvg(10);
        float[] whole = fedAvg.aggregate(new InMemorySource(ups)).values();
        List<InMemorySource.Update> shuffled = new ArrayList<>(ups);
        Collections.shuffle(shuffled, new Random(5));
        assertArrayEquals(whole, fedAvg.aggregate(new InMemorySource(shuffled)).values());
        assertArrayEquals(whole, new FedAvg(10, 97).aggregate(new InMemorySource(shuffled)).values());

        // a fan-out: random batches, partial sums at the round's scale, combined in a random order
        InMemorySource src = new InMemorySource(shuffled);
        int scale = FedAvg.scaleBits(10, src.totalSamples());
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < src.size(); k++) order.add(k);
        Collections.shuffle(order, new Random(9));
        List<FedAvg.Partial> partials = new ArrayList<>();
        for (int from = 0; from < order.size(); from += 5) {
            int[] batch = order.subList(from, Math.min(order.size(), from + 5)).stream().mapToInt(Integer::intValue).toArray();
            partials.add(fedAvg.partial(src, batch, scale));
        }
        Collections.shuffle(partials, new Random(11));
        FedAvg.Partial combined = partials.get(0);
        for (int i = 1; i < partials.size(); i++) combined = combined.plus(partials.get(i));
        assertArrayEquals(whole, combined.average());
    }

    @Test
    void fedAvg_refusesAValueBeyondItsBound() {
        float[] v = new float[P];
        v[3] = 11f;
        float[] ok = new float[P];
        ok[5] = 9.5f;
        float[] nan = new float[P];
        nan[P - 1] = Float.NaN;
        var src = new InMemorySource(List.of(new InMemorySource.Update("x", 1, v), new InMemorySource.Update("y", 1, ok),
                new InMemorySource.Update("z", 1, nan)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FedAvg(10).aggregate(src));
        assertTrue(e.getMessage().contains("update x"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FedAvg(10).aggregate(new Subset(src, new int[] {2})), "NaN is beyond every bound");
        new FedAvg(10).aggregate(new Subset(src, new int[] {1}));
        // read through a scaling view (no array to sum in place): the bound applies to the values as read
        assertThrows(IllegalArgumentException.class, () -> new FedAvg(10).aggregate(new Scaled(new Subset(src, new int[] {1}), new float[] {1.1f})));
        assertEquals(9.5f * 0.5f, new FedAvg(10).aggregate(new Scaled(new Subset(src, new int[] {1}), new float[] {0.5f})).values()[5]);
    }

    @Test
    void medianAndTrimmedMean_matchASortPerCoordinate_andDoNotDependOnShards() {
        List<InMemorySource.Update> ups = honest(10, 3, direction(3));
        InMemorySource src = new InMemorySource(ups);
        float[] median = CoordinateStatistic.median().aggregate(src).values();
        float[] trimmed = CoordinateStatistic.trimmedMean(0.2).aggregate(src).values();
        for (int i = 0; i < P; i++) {
            double[] col = new double[ups.size()];
            for (int u = 0; u < col.length; u++) col[u] = ups.get(u).values()[i];
            Arrays.sort(col);
            assertEquals((float) ((col[4] + col[5]) / 2), median[i], 0f);
            assertEquals((float) ((col[2] + col[3] + col[4] + col[5] + col[6] + col[7]) / 6), trimmed[i], 1e-7f);
        }
        assertArrayEquals(median, CoordinateStatistic.median().withShard(33).aggregate(src).values());
        assertArrayEquals(trimmed, CoordinateStatistic.trimmedMean(0.2).withShard(7).aggregate(src).values());
    }

    @Test
    void multiKrum_distancesAreTheSquaredL2Distances_andItKeepsTheClosestUpdates() {
        List<InMemorySource.Update> ups = new ArrayList<>(honest(8, 4, direction(4)));
        SplittableRandom r = new SplittableRandom(4);
        for (int a = 0; a < 2; a++) {
            float[] v = new float[P];
            for (int i = 0; i < P; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
            ups.add(new InMemorySource.Update("z-attacker-" + a, 1000, v));
        }
        InMemorySource src = new InMemorySource(ups);
        MultiKrum krum = new MultiKrum(2, 5, 10, 64);
        double[][] d = krum.squaredDistances(src);
        float[] a = new float[P], b = new float[P];
        src.read(0, 0, P, a, 0);
        src.read(9, 0, P, b, 0);
        double expected = 0;
        for (int i = 0; i < P; i++) expected += Math.pow((double) a[i] - b[i], 2);
        assertEquals(expected, d[0][9], expected * 1e-6);
        Aggregate agg = krum.aggregate(src);
        for (int k = 0; k < src.size(); k++) {
            if (src.id(k).startsWith("z-attacker")) assertEquals(0.0, agg.weights()[k], "attacker " + src.id(k) + " is never selected");
        }
        assertEquals(5, Arrays.stream(agg.weights()).filter(w -> w > 0).count());
        assertEquals(1.0, Arrays.stream(agg.weights()).sum(), 1e-12);
    }

    @Test
    void clipping_scalesOnlyTheLargeUpdates_toExactlyTheBound() {
        float[] big = new float[P], small = new float[P];
        Arrays.fill(big, 1f);       // norm sqrt(1000) ~ 31.6
        Arrays.fill(small, 0.01f);  // norm ~ 0.32
        var src = new InMemorySource(List.of(new InMemorySource.Update("a-big", 1, big), new InMemorySource.Update("b-small", 1, small)));
        Aggregate agg = new NormClipping(1.0, new FedAvg(10)).aggregate(src);
        assertArrayEquals(new boolean[] {true, false}, agg.clipped());
        float clippedValue = (float) (1.0 / Math.sqrt(P));
        assertEquals((clippedValue + 0.01f) / 2, agg.values()[0], 1e-6f);
        assertEquals("clip(max=1.0)+fedavg", agg.rule());
    }

    /** 30% of clients poisoned three ways: the robust rules stay near the clean average, FedAvg does not. */
    @Test
    void poisonedClients_moveFedAvg_butNotTheRobustRules() {
        float[] dir = direction(5);
        List<InMemorySource.Update> clean = honest(14, 5, dir);
        float[] cleanMean = new FedAvg(1e6).aggregate(new InMemorySource(clean)).values();
        List<InMemorySource.Update> all = new ArrayList<>(clean);
        SplittableRandom r = new SplittableRandom(55);
        for (int a = 0; a < 6; a++) {
            float[] v = new float[P];
            for (int i = 0; i < P; i++) {
                v[i] = switch (a % 3) {
                    case 0 -> -dir[i];                                 // sign-flipped
                    case 1 -> 100 * dir[i];                            // scaled x100
                    default -> (float) (r.nextDouble() * 2 - 1);       // random noise
                };
            }
            all.add(new InMemorySource.Update("poison-" + a, 900, v));
        }
        InMemorySource src = new InMemorySource(all);
        double cleanNorm = l2(cleanMean, new float[P]);
        double fedAvg = l2(new FedAvg(1e6).aggregate(src).values(), cleanMean);
        double median = l2(CoordinateStatistic.median().aggregate(src).values(), cleanMean);
        double trimmed = l2(CoordinateStatistic.trimmedMean(0.3).aggregate(src).values(), cleanMean);
        Aggregate krumAgg = new MultiKrum(6, 10, 1e6).aggregate(src);
        double krum = l2(krumAgg.values(), cleanMean);
        for (int k = 0; k < src.size(); k++) {
            if (src.id(k).startsWith("poison")) assertEquals(0.0, krumAgg.weights()[k], "multi-krum never selects " + src.id(k));
        }
        double clipped = l2(new NormClipping(l2(dir, new float[P]) * 1.5, new FedAvg(1e6)).aggregate(src).values(), cleanMean);
        System.out.printf("poisoning, distance to the clean average (its norm %.3f): fedavg %.3f, median %.3f, trimmed mean %.3f, multi-krum %.3f, clip+fedavg %.3f%n",
                cleanNorm, fedAvg, median, trimmed, krum, clipped);
        assertTrue(fedAvg > 5 * cleanNorm, "FedAvg is dragged away: " + fedAvg);
        assertTrue(median < 0.35 * cleanNorm, "median " + median + " vs clean norm " + cleanNorm);
        assertTrue(trimmed < 0.35 * cleanNorm, "trimmed mean " + trimmed);
        assertTrue(krum < 0.15 * cleanNorm, "multi-krum " + krum + " (10 of 14 honest: their mean differs from all 14's by sampling alone)");
        assertTrue(clipped < fedAvg / 10, "clipping limits the scaled attack: " + clipped + " vs " + fedAvg);
    }

    @Test
    void strategies_parseTheRulesTheyRecord() {
        for (String rule : List.of("fedavg", "median", "trimmed-mean(beta=0.2)", "multi-krum(f=2,m=5)", "clip(max=1.5)+median")) {
            assertEquals(rule, Strategies.parse(rule, 10).rule());
        }
        for (String bad : List.of("", "krum", "trimmed-mean", "multi-krum(f=x,m=1)", "clip(max=1)median")) {
            assertThrows(IllegalArgumentException.class, () -> Strategies.parse(bad, 10), bad);
        }
    }

    static double l2(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.pow((double) a[i] - b[i], 2);
        return Math.sqrt(s);
    }
}
