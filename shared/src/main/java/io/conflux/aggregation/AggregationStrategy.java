package io.conflux.aggregation;

/**
 * A rule that turns a round's updates into one update. Implementations read the source shard by shard
 * and must be deterministic: the same set of updates gives a bit-identical result whatever order they
 * arrived in (sources present them in canonical order) and however a fan-out partitions them.
 */
public interface AggregationStrategy {
    /** The rule and its parameters, as recorded in the model registry, e.g. {@code trimmed-mean(beta=0.2)}. */
    String rule();

    Aggregate aggregate(UpdateSource updates);

    /** Coordinates per shard: bounds the robust strategies' memory to K x this many floats. */
    int DEFAULT_SHARD = 1 << 16;
}
