package io.conflux.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code Bench coldstart [runs] | ingest [iterations] | aggregate [K [P]] | round [K] | steps [K [rule]] | large [K [P]] | trader [feature runs] | agent [runs] | all}: prints figures; asserts nothing about
 * time. Run from the repository after {@code ./mvnw -DskipTests install} (see bench/README.md).
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        Path repo = repo();
        if (what.equals("coldstart") || what.equals("all")) ColdStartBench.run(repo, n > 0 ? n : 5);
        if (what.equals("ingest") || what.equals("all")) IngestBench.run(n > 0 ? n : 20);
        if (what.equals("round") || what.equals("all")) RoundAggregationBench.run(n > 0 ? n : 100);
        if (what.equals("large")) LargeRoundBench.run(n > 0 ? n : 10_000, args.length > 2 ? Integer.parseInt(args[2]) : 100_000);
        if (what.equals("steps") || what.equals("all")) RoundStepsBench.run(n > 0 ? n : 100, args.length > 2 ? args[2] : "fedavg");
        if (what.equals("trader") || what.equals("all")) TrainingBench.run(n > 0 ? n : 9);
        if (what.equals("agent") || what.equals("all")) AgentBench.run(n > 0 ? n : 3);
        if (what.equals("aggregate") || what.equals("all")) {
            AggregationBench.run(n > 0 ? n : 100, args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000, 3);
        }
        System.exit(0); // the stand-ins' non-daemon threads
    }

    static Path repo() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("functions/api")) && Files.isDirectory(p.resolve("bench"))) return p;
        }
        throw new IllegalStateException("run the benchmarks from inside the repository");
    }
}
