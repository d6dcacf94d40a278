package io.conflux.round;

import io.conflux.evaluation.Evaluator;
import io.conflux.federation.RoundStep;
import io.conflux.federation.RoundWorkflow;
import io.conflux.platform.Json;
import io.conflux.rounds.Round;
import io.conflux.aws.Platform;
import io.conflux.federation.TransientStepException;
import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkClientException;
import java.util.Map;
import java.util.function.Function;

/**
 * The round workflow wired to AWS, and one entry point per step: a Task state's input in, its result
 * out. The Lambda handler and the local runtime both call {@link #run}.
 */
public final class RoundTasks {
    private final RoundWorkflow workflow;
    private final Platform platform;

    public RoundTasks(Platform platform, Function<Round, Evaluator> evaluators) {
        this.platform = platform;
        this.workflow = new RoundWorkflow(platform.roundStore(), platform.rounds(), platform.ledger(), platform.updateObjects(),
                platform.workBucket(), platform.modelsBucket(), platform.models(), platform.scores(), evaluators,
                platform::platformKey, platform.clock(), platform.workflowSettings());
    }

    public RoundWorkflow workflow() {
        return workflow;
    }

    /**
     * Runs one step. A service the SDK could not reach, even after its own retries, is a
     * {@link TransientStepException}, which the state machine retries with backoff (the work bucket's
     * adapter already reports its I/O failures so); anything else ends the round as failed.
     */
    public Map<String, Object> run(RoundStep step, Map<String, Object> input) {
        String roundId = string(input, "roundId");
        try {
            return switch (step) {
                case COLLECT -> workflow.collect(roundId);
                case CLOSE -> workflow.close(roundId);
                case NO_QUORUM -> workflow.noQuorum(roundId);
                case DECODE -> workflow.decode(roundId, integer(input, "batch"));
                case REDUCE -> workflow.reduce(roundId, integer(input, "shard"));
                case COMBINE -> workflow.combine(roundId);
                case EVALUATE -> workflow.evaluate(roundId);
                case SCORE -> workflow.score(roundId);
                case PUBLISH -> withBacktest(workflow.publish(roundId));
                case FAIL -> workflow.fail(roundId, string(input, "error"), errorMessage(string(input, "cause")));
            };
        } catch (SdkClientException e) {
            throw new TransientStepException(step.functionName() + " of round " + roundId + ": " + e, e);
        }
    }

    /** Where a published model's backtest report lives in the models bucket. */
    public static String backtestKey(String templateId, long version) {
        return "backtests/" + templateId + "/v" + version + ".json";
    }

    /**
     * After publishing: the new model through the agent's decision path over its round's validation window (the
     * public candles, paper fills, default limits), written next to the model for anyone to judge it before it
     * trades. Deterministic, so a re-run writes the same report. A failure here does not undo the publication:
     * the report is missing and the output says why.
     */
    private Map<String, Object> withBacktest(Map<String, Object> published) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(published);
        try {
            Round r = platform.roundStore().find((String) published.get("roundId")).orElseThrow();
            long version = ((Number) published.get("version")).longValue();
            var model = platform.models().find(r.templateId(), version).orElseThrow();
            var params = io.conflux.model.ModelParameters.fromSafeTensors(platform.modelsBucket().get(model.parametersKey()));
            var v = r.policy().validation();
            var candles = io.conflux.evaluation.ValidationSets.publicCandles(platform.modelsBucket(), v.market());
            io.conflux.agent.Market market = io.conflux.agent.Market.ofCandles(v.market());
            var result = io.conflux.trade.Backtests.run(candles, params, params.hash(), v.from(), market, 10_000L * 1_000_000L, 10, 5, v.from(), v.to());
            String key = backtestKey(r.templateId(), version);
            platform.modelsBucket().put(key, Json.write(io.conflux.trade.Backtests.report(result, params.hash())).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.put("backtest", key);
        } catch (IOException | RuntimeException e) {
            out.put("backtestError", String.valueOf(e.getMessage()));
        }
        return out;
    }

    /** Lambda's Cause is the function's error document; the message is what a person needs. */
    static String errorMessage(String cause) {
        if (cause == null) return null;
        try {
            Object m = Json.at(Json.parse(cause), "errorMessage");
            return m == null ? cause : m.toString();
        } catch (IOException notJson) {
            return cause;
        }
    }

    private static String string(Map<String, Object> input, String key) {
        Object v = input.get(key);
        if (v == null) throw new IllegalArgumentException("the task input lacks '" + key + "': " + input);
        return v.toString();
    }

    private static int integer(Map<String, Object> input, String key) {
        Object v = input.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("the task input's '" + key + "' must be a number: " + input);
        return n.intValue();
    }
}
