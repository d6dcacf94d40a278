package io.conflux.rounds;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where rounds are kept. */
public interface RoundStore {
    /** @throws IllegalStateException if a round with this id exists */
    void create(Round round);

    Optional<Round> find(String roundId);

    List<Round> list();

    /**
     * Moves a round to {@code to} (with its reason) only if it is in one of {@code from}: one conditional
     * write, so of two racing or repeated moves exactly one happens.
     *
     * @return true if this call moved it; false if it was not in {@code from} (or does not exist)
     */
    boolean transition(String roundId, Set<RoundStatus> from, RoundStatus to, String reason);
}
