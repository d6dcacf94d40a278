package io.conflux.settlement;

import java.util.Map;
import java.util.TreeMap;

/**
 * How long one published model traded in an epoch, and who earned it: the round's payout shares in parts per
 * million by trader address (summing to 1,000,000, or empty when no update of the round improved the model).
 *
 * @param modelHash the hash the chain registry knows the model by (SHA-256 of its ONNX file, hex)
 * @param ticks     the agent's ticks (hours) that traded on it in the epoch, over all markets
 */
public record ModelTime(String modelHash, String roundId, long version, long ticks, Map<String, Long> ppmByTrader) {

    public static final long PPM = 1_000_000;

    public ModelTime {
        if (modelHash == null || !modelHash.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("a model hash is 64 lower-case hex digits: " + modelHash);
        if (ticks < 0) throw new IllegalArgumentException("ticks must not be negative: " + ticks);
        ppmByTrader = Map.copyOf(new TreeMap<>(ppmByTrader));
        long sum = 0;
        for (var e : ppmByTrader.entrySet()) {
            if (!e.getKey().matches("0x[0-9a-f]{40}")) throw new IllegalArgumentException("a trader is a lower-case 0x address: " + e.getKey());
            if (e.getValue() < 0) throw new IllegalArgumentException("a payout share must not be negative: " + e);
            sum += e.getValue();
        }
        if (sum != 0 && sum != PPM) throw new IllegalArgumentException("round " + roundId + "'s payout shares sum to " + sum + " ppm, not 1,000,000 (or 0)");
    }

    /** The same model time without the payout shares (what a settlement record keeps). */
    public ModelTime withoutShares() {
        return new ModelTime(modelHash, roundId, version, ticks, Map.of());
    }
}
