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

    public RoundHandler() {
        this(RoundStep.valueOf(System.getenv(RoundStep.ENV)), tasks(Platform.fromSystem()));
    }

    private static RoundTasks tasks(Platform platform) {
        return new RoundTasks(platform, OnnxEvaluators.fromPlatform(platform));
    }

    public RoundHandler(RoundStep step, RoundTasks tasks) {
        this.step = step;
        this.tasks = tasks;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return tasks.run(step, input);
    }
}
