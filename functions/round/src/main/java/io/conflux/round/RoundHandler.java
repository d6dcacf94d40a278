package io.conflux.round;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.conflux.aws.Platform;
import io.conflux.federation.RoundStep;
import java.util.Map;

/**
 * Lambda entry point of every round step; each function sets {@link RoundStep#ENV} to its step. An
 * exception fails the invocation, and Step Functions sees its class as the error name: the state
 * machine retries {@code TransientStepException} and records anything else as the round's failure.
 */
public final class RoundHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final RoundStep step;
    private final RoundTasks tasks;
    private final Platform platform;

    public RoundHandler() {
        this(RoundStep.valueOf(System.getenv(RoundStep.ENV)), Platform.fromSystem());
        io.conflux.aws.SnapStart.prime("round-" + step.functionName(), this::prime);
    }

    public RoundHandler(RoundStep step, Platform platform) {
        this(step, tasks(platform), platform);
    }

    private static RoundTasks tasks(Platform platform) {
        return new RoundTasks(platform, OnnxEvaluators.fromPlatform(platform));
    }

    public RoundHandler(RoundStep step, RoundTasks tasks) {
        this(step, tasks, null);
    }

    private RoundHandler(RoundStep step, RoundTasks tasks, Platform platform) {
        this.step = step;
        this.tasks = tasks;
        this.platform = platform;
    }

    /**
     * Reads only: a round that cannot exist (every step may read the rounds table), and for the steps that run
     * models, ONNX Runtime's engine and natives.
     */
    public void prime() {
        if (platform != null) platform.prime();
        if (step == RoundStep.EVALUATE || step == RoundStep.SCORE || step == RoundStep.PUBLISH) io.conflux.trade.OnnxPredictor.loadEngine();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return tasks.run(step, input);
    }
}
