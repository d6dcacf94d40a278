package io.conflux.bench;

import io.conflux.federation.RoundWorkflow;
import io.conflux.round.RoundTasks;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundPolicy;
import io.conflux.rounds.RoundService;
import io.conflux.update.UploadStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The distributed path of a round, one task at a time as the state machine's Lambda functions run them
 * (each would be its own container): Close writes the plan, every Decode task reads, decrypts and
 * checks its batch of updates from the S3 stand-in and writes it to the work bucket, every Reduce task
 * (robust rules) reads its coordinate range of every batch, and Combine builds the candidate. Times
 * and heap peaks per task; Evaluate, Score and Publish are not timed here.
 */
final class RoundStepsBench {
    static void run(int k, String rule) throws Exception {
        try (BenchWorld world = new BenchWorld()) {
            RoundPolicy d = world.platform.rounds().defaults();
            Round round = world.platform.rounds().open(new RoundService.OpenRequest(null, IngestBench.ONE_MILLION.id(), Duration.ofHours(2), null, 10.0,
                    new RoundPolicy(1, 0, rule, d.validation(), d.scoreBudget(), d.seed())));
            for (int i = 0; i < k; i++) {
                var r = world.platform.ingest().process(world.upload(round, world.sealedUpdate(round, 9_000 + i)));
                if (r.status() != UploadStatus.ACCEPTED) throw new IllegalStateException("not accepted: " + r);
            }
            RoundWorkflow wf = new RoundTasks(world.platform, r -> {
                throw new UnsupportedOperationException("not evaluated here");
            }).workflow();
            RoundWorkflow.Settings s = world.platform.workflowSettings();
            System.out.printf("Round steps on the stand-ins: K=%d x P=%,d, rule %s, batch size %d, shard budget %,d floats, max heap %d MB, java %s%n",
                    k, IngestBench.ONE_MILLION.parameterCount(), rule, s.batchSize(), s.shardBudgetFloats(), Runtime.getRuntime().maxMemory() >> 20,
                    Runtime.version());
            String id = round.roundId();
            Map<String, Object> plan = timed("close", () -> wf.close(id));
            List<?> batches = (List<?>) plan.get("batches");
            List<?> shards = (List<?>) plan.get("shards");
            for (Object b : batches) timed("decode batch " + b, () -> wf.decode(id, ((Number) b).intValue()));
            for (Object sh : shards) timed("reduce shard " + sh, () -> wf.reduce(id, ((Number) sh).intValue()));
            timed("combine", () -> wf.combine(id));
        }
    }

    interface Step {
        Map<String, Object> run() throws Exception;
    }

    private static Map<String, Object> timed(String name, Step step) throws Exception {
        System.gc();
        HeapPeak.reset();
        long t0 = System.nanoTime();
        Map<String, Object> out = step.run();
        long peak = HeapPeak.peak();
        System.out.printf("  %-16s %7.0f ms   heap peak %5d MB%n", name, (System.nanoTime() - t0) / 1e6, peak >> 20);
        return out;
    }
}
