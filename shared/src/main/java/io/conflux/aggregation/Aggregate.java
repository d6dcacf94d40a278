package io.conflux.aggregation;

import java.util.List;

/**
 * What an aggregation produced: the aggregated update, and for each input (in canonical order) the
 * weight it carried in the result and whether clipping scaled it. Recorded in the round's receipt.
 *
 * @param weights each update's share of the result (sums to 1 over the updates that count; 0 for
 *                updates a robust rule left out, e.g. not selected by Multi-Krum)
 */
public record Aggregate(String rule, float[] values, List<String> ids, double[] weights, boolean[] clipped) {}
