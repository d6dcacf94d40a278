package io.conflux.rounds;

import java.util.List;
import java.util.Optional;

/** Where rounds are kept. */
public interface RoundStore {
    /** @throws IllegalStateException if a round with this id exists */
    void create(Round round);

    Optional<Round> find(String roundId);

    List<Round> list();
}
