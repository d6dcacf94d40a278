package io.conflux.rounds;

/** Where a round is in its life. Later stages (aggregating, published, failed) come with the round workflow. */
public enum RoundStatus {
    OPEN, CLOSED
}
