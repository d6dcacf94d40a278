package io.conflux.federation;

import java.util.List;
import java.util.Optional;

/** The published global models, per template, numbered 1, 2, ... */
public interface ModelRegistry {
    Optional<PublishedModel> latest(String templateId);

    Optional<PublishedModel> find(String templateId, long version);

    /** Newest first. */
    List<PublishedModel> list(String templateId);

    /**
     * Records the model of a round as the next version, and moves the round CLOSED -> PUBLISHED with that
     * version, in one transaction.
     *
     * @return the version recorded; if the round was published before (a re-driven step), the version it
     *         got then, and nothing changes
     * @throws IllegalStateException if the round is neither CLOSED nor already PUBLISHED
     */
    long publish(PublishedModel model);
}
