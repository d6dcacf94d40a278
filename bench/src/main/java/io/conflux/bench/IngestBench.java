package io.conflux.bench;

import io.conflux.model.ModelTemplate;
import io.conflux.rounds.Round;
import io.conflux.rounds.UploadKey;
import io.conflux.update.IngestService;
import io.conflux.update.UpdateLedger;
import io.conflux.update.UpdateVerifier;
import io.conflux.update.UploadStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Ingest of one ~1M-parameter update (template w32-f24-h490: 1,012,833 float32 values, ~4 MB sealed):
 * the checks alone on bytes in memory (HPKE open, signature recovery, safetensors parse, template,
 * finiteness, norm), and end to end as the ingest function does it on the stand-ins (S3 GET of the
 * object, checks, DynamoDB transaction). Reports time per update, bytes allocated per update, and the
 * heap peak of one end-to-end ingest above the post-GC baseline.
 */
final class IngestBench {
    static final ModelTemplate ONE_MILLION = new ModelTemplate(32, 24, 490, 3);

    static void run(int iterations) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (BenchWorld world = new BenchWorld()) {
            Round round = world.openRound(ONE_MILLION);
            byte[] key = world.platform.rounds().privateKey(round);
            System.out.printf("Ingest of a %,d-parameter update (%s), %d iterations after %d warm-up, java %s%n",
                    ONE_MILLION.parameterCount(), ONE_MILLION.id(), iterations, Math.max(3, iterations / 3), Runtime.version());

            List<byte[]> sealed = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations + Math.max(3, iterations / 3); i++) sealed.add(world.sealedUpdate(round, i));
            System.out.printf("  client side, seal (safetensors + sign + HPKE):  %6.1f ms per update, %,d bytes sealed%n",
                    (System.nanoTime() - t0) / 1e6 / sealed.size(), sealed.get(0).length);

            UploadKey uploadKey = UploadKey.fresh(round.roundId(), world.trader.address());
            double[] verifyMs = new double[iterations];
            long allocated = 0;
            for (int i = 0; i < sealed.size(); i++) {
                long a0 = threads.getCurrentThreadAllocatedBytes();
                long s = System.nanoTime();
                UpdateVerifier.verify(round, key, uploadKey, sealed.get(i), Instant.now(), address -> true);
                long ns = System.nanoTime() - s;
                int j = i - (sealed.size() - iterations);
                if (j >= 0) {
                    verifyMs[j] = ns / 1e6;
                    allocated += threads.getCurrentThreadAllocatedBytes() - a0;
                }
            }
            System.out.printf("  checks only (bytes in memory):                   median %6.1f ms, p95 %6.1f ms, %5.1f MB allocated per update%n",
                    Stats.percentile(verifyMs, 50), Stats.percentile(verifyMs, 95), allocated / 1e6 / iterations);

            IngestService ingest = world.platform.ingest();
            double[] e2eMs = new double[iterations];
            allocated = 0;
            for (int i = 0; i < sealed.size(); i++) {
                UpdateLedger.ObjectRef object = world.upload(round, sealed.get(i));
                long a0 = threads.getCurrentThreadAllocatedBytes();
                long s = System.nanoTime();
                IngestService.Result r = ingest.process(object);
                long ns = System.nanoTime() - s;
                if (r.status() != UploadStatus.ACCEPTED) throw new IllegalStateException("not accepted: " + r);
                int j = i - (sealed.size() - iterations);
                if (j >= 0) {
                    e2eMs[j] = ns / 1e6;
                    allocated += threads.getCurrentThreadAllocatedBytes() - a0;
                }
            }
            System.out.printf("  end to end (S3 GET, checks, DynamoDB write):     median %6.1f ms, p95 %6.1f ms, %5.1f MB allocated per update%n",
                    Stats.percentile(e2eMs, 50), Stats.percentile(e2eMs, 95), allocated / 1e6 / iterations);

            UpdateLedger.ObjectRef one = world.upload(round, world.sealedUpdate(round, 10_000));
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
            System.gc();
            long baseline = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            ingest.process(one);
            long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            System.out.printf("  heap peak during one end-to-end ingest:          %5.1f MB above the %5.1f MB post-GC baseline (an upper bound: uncollected garbage counts)%n",
                    (peak - baseline) / 1e6, baseline / 1e6);
        }
    }
}
