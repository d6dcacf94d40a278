package io.conflux.bench;

import io.conflux.aggregation.FedAvg;
import io.conflux.aggregation.SpilledUpdates;
import io.conflux.rounds.Round;
import io.conflux.update.UploadStatus;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * End to end from the S3 stand-in: K accepted 1M-parameter updates are fetched, decrypted, checked
 * against their accepted content hashes, spilled off-heap, and averaged (FedAvg).
 */
final class RoundAggregationBench {
    static void run(int k) throws Exception {
        try (BenchWorld world = new BenchWorld()) {
            Round round = world.openRound(IngestBench.ONE_MILLION);
            for (int i = 0; i < k; i++) {
                var r = world.platform.ingest().process(world.upload(round, world.sealedUpdate(round, 5_000 + i)));
                if (r.status() != UploadStatus.ACCEPTED) throw new IllegalStateException("not accepted: " + r);
            }
            byte[] key = world.platform.rounds().privateKey(round);
            var ledger = world.platform.ledger().listRound(round.roundId());
            Path dir = Files.createTempDirectory("conflux-round");
            Runtime rt = Runtime.getRuntime();
            System.out.printf("Round aggregation from the S3 stand-in: K=%d x P=%,d, java %s, max heap %d MB%n", k,
                    IngestBench.ONE_MILLION.parameterCount(), Runtime.version(), rt.maxMemory() >> 20);
            for (int run = 0; run < 3; run++) {
                long t0 = System.nanoTime();
                try (SpilledUpdates src = SpilledUpdates.load(round, key, ledger, world.platform.updateObjects(), dir, 4)) {
                    long t1 = System.nanoTime();
                    new FedAvg(round.normBound()).aggregate(src);
                    long t2 = System.nanoTime();
                    System.out.printf("  run %d: fetch+decrypt+verify+spill %6.0f ms, FedAvg %5.0f ms, total %6.0f ms%n", run,
                            (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t2 - t0) / 1e6);
                }
            }
        }
    }
}
