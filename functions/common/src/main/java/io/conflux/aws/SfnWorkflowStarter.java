package io.conflux.aws;

import io.conflux.platform.Json;
import io.conflux.rounds.WorkflowStarter;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Starts the round state machine with {@code {"roundId": ...}}, the execution named after the round.
 * Step Functions answers a repeated start of a running execution (same name, same input) with that
 * execution, and refuses the name once the execution has ended: either way the round's one execution
 * is the answer, so a retried start never runs a round twice.
 */
public final class SfnWorkflowStarter implements WorkflowStarter {
    private final Supplier<SfnClient> sfn;
    private final String stateMachineArn;

    public SfnWorkflowStarter(Supplier<SfnClient> sfn, String stateMachineArn) {
        if (!stateMachineArn.contains(":stateMachine:")) {
            throw new IllegalArgumentException("not a state machine ARN: " + stateMachineArn);
        }
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    @Override
    public String start(String roundId) {
        try {
            return sfn.get().startExecution(r -> r.stateMachineArn(stateMachineArn).name(roundId)
                    .input(Json.write(Map.of("roundId", roundId)))).executionArn();
        } catch (ExecutionAlreadyExistsException ended) {
            return executionArn(stateMachineArn, roundId);
        }
    }

    /** {@code arn:aws:states:REGION:ACCOUNT:stateMachine:NAME} -> {@code ...:execution:NAME:EXECUTION}. */
    static String executionArn(String stateMachineArn, String name) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + name;
    }
}
