package io.conflux.federation;

import java.util.List;

/** Contribution scores, per round and trader. */
public interface ScoreStore {
    /** Writes a round's scores; a score already stored for a trader is left as it is (a re-driven step changes nothing). */
    void putAll(List<ContributionScore> scores);

    List<ContributionScore> round(String roundId);
}
