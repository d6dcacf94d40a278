package io.conflux.aws;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Priming for Lambda SnapStart. With SnapStart, a function's init runs once, when a version is published; Lambda
 * snapshots the initialized JVM and every cold start restores that snapshot. Whatever the snapshot holds loaded
 * (classes, SDK request paths, native libraries, JIT-compiled code) the first request does not pay for.
 * <p>A function hands its priming here from its Lambda constructor. The priming <b>only reads</b>: it runs once
 * per published version, outside any request, so it must never trade, pay, sign or write (each handler's test
 * checks the stand-ins hold the same data before and after). Under SnapStart
 * ({@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start}) it runs in CRaC's {@code beforeCheckpoint}, as AWS
 * advises; otherwise (a function without SnapStart, such as the score step with its large /tmp) it runs at once,
 * in the init phase. A failed priming is logged and never fails the init: it is an optimization, and it runs
 * before secrets set after the first deploy may exist.
 */
public final class SnapStart {
    /** CRaC's context holds resources weakly: these keep them alive until the checkpoint. */
    private static final List<Resource> HELD = new CopyOnWriteArrayList<>();

    private SnapStart() {}

    /** Runs {@code readOnlyPriming} before the snapshot (SnapStart) or now (no SnapStart). */
    public static void prime(String function, Runnable readOnlyPriming) {
        prime(function, readOnlyPriming, System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"));
    }

    /** @return true when the priming was deferred to the checkpoint */
    static boolean prime(String function, Runnable readOnlyPriming, String initializationType) {
        if ("snap-start".equals(initializationType)) {
            Resource r = new Resource() {
                @Override
                public void beforeCheckpoint(Context<? extends Resource> context) {
                    run(function, readOnlyPriming);
                }

                @Override
                public void afterRestore(Context<? extends Resource> context) {
                    System.out.println("{\"event\":\"snapstart-restored\",\"function\":\"" + function + "\"}");
                }
            };
            HELD.add(r);
            Core.getGlobalContext().register(r);
            return true;
        }
        run(function, readOnlyPriming);
        return false;
    }

    private static void run(String function, Runnable priming) {
        long t0 = System.nanoTime();
        try {
            priming.run();
            System.out.printf("{\"event\":\"primed\",\"function\":\"%s\",\"ms\":%d}%n", function, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            System.out.printf("{\"event\":\"priming-failed\",\"function\":\"%s\",\"error\":\"%s\"}%n", function,
                    String.valueOf(e).replace("\\", "\\\\").replace("\"", "'"));
        }
    }
}
