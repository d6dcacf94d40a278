package io.conflux.settlement;

import java.util.List;

/**
 * A trader's allocation in one epoch, with the Merkle proof the vault's {@code claim} needs, and whether the chain
 * has paid it (indexed from the vault's {@code Claimed} events).
 */
public record Allocation(long epoch, String trader, long amount, List<String> proof, boolean claimed, String claimTx) {
    public Allocation {
        proof = List.copyOf(proof);
    }
}
