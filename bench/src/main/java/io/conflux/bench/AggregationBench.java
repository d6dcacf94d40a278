package io.conflux.bench;

import io.conflux.aggregation.AggregationStrategy;
import io.conflux.aggregation.CoordinateStatistic;
import io.conflux.aggregation.FedAvg;
import io.conflux.aggregation.InMemorySource;
import io.conflux.aggregation.MultiKrum;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The aggregation rules on K updates x P float32 values already decoded in memory (Flower's setting
 * for the figures issue 3 compares against): time per aggregation, median of a few runs after warm-up.
 */
final class AggregationBench {
    static void run(int k, int p, int runs) {
        List<InMemorySource.Update> ups = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(1);
        for (int u = 0; u < k; u++) {
            float[] v = new float[p];
            for (int i = 0; i < p; i++) v[i] = (float) (r.nextDouble() * 0.02 - 0.01);
            ups.add(new InMemorySource.Update(String.format("%04d", u), 1000 + u, v));
        }
        InMemorySource src = new InMemorySource(ups);
        System.out.printf("Aggregation of K=%d x P=%,d float32 held in memory, %d runs after 1 warm-up, %d cores, java %s%n",
                k, p, runs, Runtime.getRuntime().availableProcessors(), Runtime.version());
        List<AggregationStrategy> rules = new ArrayList<>(List.of(new FedAvg(1.0), CoordinateStatistic.median(), CoordinateStatistic.trimmedMean(0.1)));
        if (k >= 50) rules.add(new MultiKrum(k / 5, k / 2, 1.0));
        for (AggregationStrategy s : rules) {
            s.aggregate(src);
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                s.aggregate(src);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf("  %-26s median %8.1f ms  (min %8.1f)%n", s.rule(), Stats.percentile(ms, 50), java.util.Arrays.stream(ms).min().orElse(0));
        }
    }
}
