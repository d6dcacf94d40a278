package io.conflux.bench;

import io.conflux.aggregation.AggregationStrategy;
import io.conflux.aggregation.CoordinateStatistic;
import io.conflux.aggregation.FedAvg;
import io.conflux.aggregation.MappedUpdates;
import io.conflux.aggregation.NormClipping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A round far larger than the heap: K updates x P float32 values written off-heap (a memory-mapped
 * file, as the Score step and in-process aggregation hold a round), then aggregated with each rule,
 * reporting time and the heap's peak. Run it under a small heap to show that memory does not grow
 * with K: {@code MAVEN_OPTS=-Xmx256m}.
 */
final class LargeRoundBench {
    static void run(int k, int p) throws Exception {
        Runtime rt = Runtime.getRuntime();
        Path dir = Files.createTempDirectory("conflux-large");
        List<String> ids = new ArrayList<>();
        long[] samples = new long[k];
        for (int u = 0; u < k; u++) {
            ids.add(String.format("%08d", u));
            samples[u] = 500 + u % 1000;
        }
        System.out.printf("Large round: K=%,d x P=%,d float32 (%,d MB off-heap), max heap %d MB, %d cores, java %s%n", k, p,
                (long) k * p * 4 >> 20, rt.maxMemory() >> 20, rt.availableProcessors(), Runtime.version());
        long t0 = System.nanoTime();
        try (MappedUpdates src = new MappedUpdates(dir, ids, samples, p)) {
            float[] v = new float[p];
            for (int u = 0; u < k; u++) {
                SplittableRandom r = new SplittableRandom(u);
                for (int i = 0; i < p; i++) v[i] = (float) (r.nextGaussian() * 0.003);
                src.write(u, v);
            }
            src.map();
            System.out.printf("  written and mapped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            // a robust statistic holds K x width floats per worker: keep that within 32 MB per worker
            int width = (int) Math.max(64, Math.min(AggregationStrategy.DEFAULT_SHARD, (32L << 20) / 4 / k));
            List<AggregationStrategy> rules = List.of(new FedAvg(10.0), new NormClipping(0.5, new FedAvg(10.0)),
                    CoordinateStatistic.median().withShard(width), CoordinateStatistic.trimmedMean(0.1).withShard(width));
            for (AggregationStrategy rule : rules) {
                System.gc();
                long base = HeapPeak.used();
                HeapPeak.reset();
                long s = System.nanoTime();
                float[] out = rule.aggregate(src).values();
                double ms = (System.nanoTime() - s) / 1e6;
                System.out.printf("  %-24s %9.0f ms   heap peak %4d MB (%4d MB above the %d MB before it)   out[0]=%.6f%n", rule.rule(), ms,
                        HeapPeak.peak() >> 20, Math.max(0, HeapPeak.peak() - base) >> 20, base >> 20, out[0]);
            }
            System.out.println("  multi-krum: not run; a round caps it at K=2,000 (its K x K distance matrix: 10,000^2 doubles = 800 MB)");
        } finally {
            Files.deleteIfExists(dir);
        }
    }
}
