package io.conflux.rounds;

/**
 * Where a round is in its life:
 * <pre>
 *   OPEN --(deadline or maxUpdates, quorum met)--> CLOSED --(aggregated, evaluated, scored)--> PUBLISHED
 *   OPEN --(deadline, below quorum)--> NO_QUORUM
 *   OPEN | CLOSED --(a step failed for good)--> FAILED
 * </pre>
 * Only OPEN takes uploads. PUBLISHED, NO_QUORUM and FAILED are final; the workflow moves a round with
 * conditional writes, so a re-driven step never moves it twice.
 */
public enum RoundStatus {
    OPEN, CLOSED, PUBLISHED, NO_QUORUM, FAILED;

    public boolean isFinal() {
        return this == PUBLISHED || this == NO_QUORUM || this == FAILED;
    }
}
