package io.conflux.settlement;

import java.time.Instant;
import java.util.List;

/**
 * One epoch's settlement as the platform records it (once, conditionally) before it goes on-chain: the ledger's
 * figures, the high-water mark, the split and its Merkle root, and the models that traded (their payout shares are
 * in the scores table; the allocations, one item per trader, beside this record).
 *
 * @param status   {@code PENDING} until the chain has it, then {@code SETTLED}; {@code CONFLICT} when the chain holds
 *                 a different settlement for the epoch (nothing more is paid; an operator must look)
 * @param profit   in the vault token's base units
 * @param models   without their payout shares (see {@link ModelTime#withoutShares()})
 */
public record Settlement(long epoch, Instant from, Instant to, Status status, long equity, long markBefore, long markAfter, long profit,
                         int feeBps, int contributorBps, long fee, long pool, long investorsPart, long allocated, long dust, int traders,
                         String allocationsRoot, String auditRoot, List<ModelTime> models, String txHash, String note, Instant computedAt,
                         Instant settledAt) {

    public enum Status { PENDING, SETTLED, CONFLICT }

    public Settlement {
        models = List.copyOf(models);
    }

    public Settlement settled(String txHash, Instant at) {
        return new Settlement(epoch, from, to, Status.SETTLED, equity, markBefore, markAfter, profit, feeBps, contributorBps, fee, pool, investorsPart,
                allocated, dust, traders, allocationsRoot, auditRoot, models, txHash, note, computedAt, at);
    }

    public Settlement conflict(String why) {
        return new Settlement(epoch, from, to, Status.CONFLICT, equity, markBefore, markAfter, profit, feeBps, contributorBps, fee, pool, investorsPart,
                allocated, dust, traders, allocationsRoot, auditRoot, models, txHash, why, computedAt, settledAt);
    }
}
