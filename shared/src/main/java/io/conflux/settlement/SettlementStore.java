package io.conflux.settlement;

import java.util.List;
import java.util.Optional;

/** Where settlements and allocations are kept (DynamoDB). Every write is conditional or idempotent. */
public interface SettlementStore {

    Optional<Settlement> find(long epoch);

    /** Newest first. */
    List<Settlement> list(int limit);

    /** Records an epoch's settlement if none is recorded yet; {@code false} (and nothing written) if one is. */
    boolean create(Settlement settlement);

    /** Writes the epoch's allocations with their proofs; writing the same ones again changes nothing. */
    void putAllocations(long epoch, AllocationTree tree);

    /** PENDING -> SETTLED with the transaction; a settlement already SETTLED is left as it is. */
    void markSettled(long epoch, String txHash, java.time.Instant at);

    /** PENDING -> CONFLICT, with why. */
    void markConflict(long epoch, String why);

    /** The trader's allocations, newest epoch first. */
    List<Allocation> allocations(String trader);

    /** Records that the chain paid an allocation (idempotent). */
    void markClaimed(long epoch, String trader, String txHash);

    /** The next block the claim indexer reads from (0 at first). */
    long claimsCursor();

    /** Moves the claim indexer's cursor forward (never back). */
    void advanceClaimsCursor(long nextBlock);
}
