package io.conflux.rounds;

/**
 * Starts a round's workflow (the round state machine on AWS, the interpreter on the local runtime).
 * An execution is named after its round, so starting a round's workflow again starts nothing new.
 */
@FunctionalInterface
public interface WorkflowStarter {
    /**
     * @return the execution's identifier (its ARN on AWS)
     * @throws RuntimeException if the workflow service could not be reached or refused the request
     */
    String start(String roundId);
}
