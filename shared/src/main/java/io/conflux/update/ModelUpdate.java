package io.conflux.update;

import io.conflux.model.Tensor;
import java.time.Instant;
import java.util.List;

/**
 * What a trader contributes to a round: the change of each template tensor against the round's base
 * model (local weights minus base weights), how many training samples produced it, and where the
 * training data ended.
 *
 * @param trader  lower-case 0x-prefixed Ethereum address of the signing wallet
 * @param dataEnd the open time of the last candle the training used (in a feature or a label): the
 *                round refuses an update whose data reaches into its validation window (walk-forward)
 */
public record ModelUpdate(String roundId, String trader, Instant createdAt, long sampleCount, String templateId,
                          List<Tensor> tensors, Instant dataEnd) {

    public ModelUpdate {
        tensors = List.copyOf(tensors);
        if (sampleCount <= 0) throw new IllegalArgumentException("sampleCount must be positive");
        if (dataEnd == null) throw new IllegalArgumentException("an update declares where its training data ends (dataEnd)");
    }

    /** The L2 norm over every value of every tensor, computed in double precision. */
    public double l2Norm() {
        double sum = 0;
        for (Tensor t : tensors) {
            for (float v : t.values()) sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }
}
