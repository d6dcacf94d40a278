package io.conflux.settlement;

import java.util.List;

/** The vault and the model registry, as settlement uses them (web3j in {@code functions/settle}). */
public interface SettlementChain {

    /** An epoch as the vault records it; {@code settled} is false for an epoch it does not have. */
    record OnChainEpoch(boolean settled, String allocationsRoot, long profit, long fee, long allocated) {}

    OnChainEpoch epoch(long epoch);

    /** The next epoch the vault accepts. */
    long nextEpoch();

    /** The split in force: {fee bps, contributor bps}. */
    int[] split();

    /** The vault token's decimals. */
    int tokenDecimals();

    /** Registers the round's model unless the registry already has it. */
    void ensureRegistered(ModelTime model);

    /** Approves the profit and settles the epoch; returns the transaction hash. Fails if the chain refuses. */
    String settle(Settlement settlement);

    record ClaimEvent(long epoch, String trader, long amount, String txHash, long block) {}

    /** The vault's {@code Claimed} events in blocks {@code [from, to]}. */
    List<ClaimEvent> claims(long fromBlock, long toBlock);

    /** The newest block. */
    long head();

    /** The block the vault was deployed in: no claim can come before it. */
    long firstBlock();
}
