package io.conflux.aggregation;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * 30% of the clients poisoned (sign-flipped, scaled x100, random noise): the robust rules stay close
 * to the clean model, FedAvg does not; clipping limits the scaled attack. Distances are relative L2
 * distances to the FedAvg of the honest updates alone.
 */
class PoisoningTest {
    private static final int P = 2_000, K = 20, POISONED = 6; // 30%
    private static final double BOUND = 1_000;

    @Test
    void robustRules_resistThirtyPercentPoisonedClients_andFedAvgDoesNot() {
        SplittableRandom r = new SplittableRandom(11);
        float[] direction = new float[P];
        for (int i = 0; i < P; i++) direction[i] = (float) (0.01 * (r.nextDouble() * 2 - 1));
        List<InMemorySource.Update> honest = new ArrayList<>(), all = new ArrayList<>();
        for (int k = 0; k < K - POISONED; k++) {
            float[] v = new float[P];
            for (int i = 0; i < P; i++) v[i] = direction[i] + (float) (0.003 * (r.nextDouble() * 2 - 1));
            honest.add(new InMemorySource.Update(String.format("h%02d", k), 500, v));
        }
        all.addAll(honest);
        for (int k = 0; k < POISONED; k++) {
            float[] v = new float[P];
            for (int i = 0; i < P; i++) {
                v[i] = switch (k % 3) {
                    case 0 -> -direction[i];                            // sign-flipped
                    case 1 -> 100 * direction[i];                       // scaled x100
                    default -> (float) (0.5 * (r.nextDouble() * 2 - 1)); // random noise
                };
            }
            all.add(new InMemorySource.Update(String.format("p%02d", k), 500, v));
        }
        float[] clean = new FedAvg(BOUND).aggregate(new InMemorySource(honest)).values();
        double fedAvg = distance(new FedAvg(BOUND).aggregate(new InMemorySource(all)).values(), clean);
        double median = distance(CoordinateStatistic.median().aggregate(new InMemorySource(all)).values(), clean);
        double trimmed = distance(CoordinateStatistic.trimmedMean(0.3).aggregate(new InMemorySource(all)).values(), clean);
        Aggregate krumResult = new MultiKrum(POISONED, K - 2 * POISONED, BOUND).aggregate(new InMemorySource(all));
        double krum = distance(krumResult.values(), clean);
        for (int k = 0; k < krumResult.ids().size(); k++) {
            if (krumResult.ids().get(k).startsWith("p")) assertEquals(0.0, krumResult.weights()[k], "Multi-Krum kept poisoned " + krumResult.ids().get(k));
        }
        double clipped = distance(new NormClipping(norm(direction) * 1.5, new FedAvg(BOUND)).aggregate(new InMemorySource(all)).values(), clean);
        System.out.printf("relative distance to the clean model: fedavg %.3f, median %.3f, trimmed %.3f, multi-krum %.3f, clip+fedavg %.3f%n",
                fedAvg, median, trimmed, krum, clipped);
        assertTrue(fedAvg > 5, "FedAvg is dragged far off by the scaled updates: " + fedAvg);
        assertTrue(median < 0.35, "median: " + median);
        assertTrue(trimmed < 0.2, "trimmed mean: " + trimmed);
        assertTrue(krum < 0.1, "Multi-Krum averages 8 of the 14 honest updates: " + krum);
        assertTrue(clipped < fedAvg / 5, "clipping limits the scaled attack: " + clipped + " vs " + fedAvg);
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }

    static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        return Math.sqrt(s) / norm(b);
    }
}
