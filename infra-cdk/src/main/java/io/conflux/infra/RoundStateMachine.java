package io.conflux.infra;

import io.conflux.federation.RoundStep;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.DistributedMap;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * The round workflow as a state machine definition (ASL), built from one Lambda function per
 * {@link RoundStep}. Used by the stack (with its functions) and by the local runtime (with local
 * function ARNs), so both run the same definition.
 *
 * <pre>
 * Collect -> Collected? -- WAIT --> WaitForUpdates -> Collect
 *                       -- NO_QUORUM --> NoQuorum -> NoNewModel (succeed)
 *                       -- CLOSE --> Close -> Decode (distributed map over batches) -> Kind?
 *                                      -- SUM --> Combine; else Reduce (distributed map over shards) -> Combine
 *                                    Combine -> Evaluate -> Score -> Publish -> Published (succeed)
 * any step failing for good -> RecordFailure -> RoundFailed (fail)
 * </pre>
 */
public final class RoundStateMachine {
    /** Errors worth retrying: Lambda's own transient errors and the steps' {@code TransientStepException}. */
    static final List<String> TRANSIENT = List.of("Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException", "io.conflux.federation.TransientStepException");

    private RoundStateMachine() {}

    public static DefinitionBody definition(Construct scope, Map<RoundStep, IFunction> functions, int maxConcurrency) {
        Fail failed = Fail.Builder.create(scope, "RoundFailed").comment("the reason is on the round (statusReason)")
                .error("RoundFailed").causePath(JsonPath.stringAt("$.failure.reason")).build();
        LambdaInvoke recordFailure = LambdaInvoke.Builder.create(scope, "RecordFailure").lambdaFunction(functions.get(RoundStep.FAIL))
                .payloadResponseOnly(true).retryOnServiceExceptions(false)
                .payload(TaskInput.fromObject(Map.of("roundId", JsonPath.stringAt("$.roundId"),
                        "error", JsonPath.stringAt("$.error.Error"), "cause", JsonPath.stringAt("$.error.Cause"))))
                .resultPath("$.failure").build();
        recordFailure.addRetry(retry());
        recordFailure.next(failed);

        LambdaInvoke collect = task(scope, "Collect", functions.get(RoundStep.COLLECT), Map.of("roundId", JsonPath.stringAt("$.roundId")), "$.collect", recordFailure);
        Wait wait = Wait.Builder.create(scope, "WaitForUpdates").time(WaitTime.secondsPath("$.collect.waitSeconds")).build();
        LambdaInvoke noQuorum = task(scope, "NoQuorum", functions.get(RoundStep.NO_QUORUM), Map.of("roundId", JsonPath.stringAt("$.roundId")), "$.outcome", recordFailure);
        LambdaInvoke close = task(scope, "Close", functions.get(RoundStep.CLOSE), Map.of("roundId", JsonPath.stringAt("$.roundId")), "$.plan", recordFailure);

        DistributedMap decode = fanOut(scope, "Decode", "DecodeBatch", "$.plan.batches", "batch", functions.get(RoundStep.DECODE), maxConcurrency, recordFailure);
        DistributedMap reduce = fanOut(scope, "Reduce", "ReduceShard", "$.plan.shards", "shard", functions.get(RoundStep.REDUCE), maxConcurrency, recordFailure);

        Map<String, Object> round = Map.of("roundId", JsonPath.stringAt("$.roundId"));
        LambdaInvoke combine = task(scope, "Combine", functions.get(RoundStep.COMBINE), round, "$.candidate", recordFailure);
        LambdaInvoke evaluate = task(scope, "Evaluate", functions.get(RoundStep.EVALUATE), round, "$.evaluation", recordFailure);
        LambdaInvoke score = task(scope, "Score", functions.get(RoundStep.SCORE), round, "$.scores", recordFailure);
        LambdaInvoke publish = task(scope, "Publish", functions.get(RoundStep.PUBLISH), round, "$.published", recordFailure);

        combine.next(evaluate).next(score).next(publish).next(new Succeed(scope, "Published"));
        decode.next(Choice.Builder.create(scope, "Kind?").build()
                .when(Condition.stringEquals("$.plan.kind", "SUM"), combine)
                .otherwise(reduce.next(combine)));
        close.next(decode);
        noQuorum.next(Succeed.Builder.create(scope, "NoNewModel").comment("below quorum at the deadline: no model, reason on the round").build());
        collect.next(Choice.Builder.create(scope, "Collected?").build()
                .when(Condition.stringEquals("$.collect.next", "CLOSE"), close)
                .when(Condition.stringEquals("$.collect.next", "NO_QUORUM"), noQuorum)
                .when(Condition.stringEquals("$.collect.next", "DONE"), new Succeed(scope, "AlreadyDone"))
                .otherwise(wait.next(collect)));
        return DefinitionBody.fromChainable(collect);
    }

    /** A distributed map running {@code fn} once per item of {@code itemsPath}, each as {roundId, itemKey: item}. */
    private static DistributedMap fanOut(Construct scope, String id, String taskId, String itemsPath, String itemKey, IFunction fn,
                                         int maxConcurrency, IChainable onFailure) {
        DistributedMap map = DistributedMap.Builder.create(scope, id).itemsPath(itemsPath).maxConcurrency(maxConcurrency)
                .itemSelector(Map.of("roundId", JsonPath.stringAt("$.roundId"), itemKey, JsonPath.numberAt("$$.Map.Item.Value")))
                .resultPath(JsonPath.DISCARD).build();
        map.itemProcessor(task(scope, taskId, fn, Map.of("roundId", JsonPath.stringAt("$.roundId"), itemKey, JsonPath.numberAt("$." + itemKey)),
                JsonPath.DISCARD, null));
        map.addCatch(onFailure, software.amazon.awscdk.services.stepfunctions.CatchProps.builder().resultPath("$.error").build());
        return map;
    }

    private static LambdaInvoke task(Construct scope, String id, IFunction fn, Map<String, Object> payload, String resultPath, IChainable onFailure) {
        LambdaInvoke t = LambdaInvoke.Builder.create(scope, id).lambdaFunction(fn).payloadResponseOnly(true)
                .retryOnServiceExceptions(false).payload(TaskInput.fromObject(payload)).resultPath(resultPath)
                .taskTimeout(software.amazon.awscdk.services.stepfunctions.Timeout.duration(Duration.minutes(15))).build();
        t.addRetry(retry());
        if (onFailure != null) t.addCatch(onFailure, software.amazon.awscdk.services.stepfunctions.CatchProps.builder().resultPath("$.error").build());
        return t;
    }

    private static RetryProps retry() {
        return RetryProps.builder().errors(TRANSIENT).interval(Duration.seconds(2)).backoffRate(2).maxAttempts(4).build();
    }
}
