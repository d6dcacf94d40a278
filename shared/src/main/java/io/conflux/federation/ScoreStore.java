package io.conflux.federation;

import java.util.List;

/** Contribution scores, per round and accepted update. */
public interface ScoreStore {
    /** Writes a round's scores; a score already stored for an update is left as it is (a re-driven step changes nothing). */
    void putAll(List<ContributionScore> scores);

    List<ContributionScore> round(String roundId);
}
