package io.conflux.settlement;

import java.time.Instant;
import java.util.List;

/** What settlement reads from the trading ledger for an epoch. */
public interface EpochLedger {

    /**
     * @param equity         the book's value at the epoch's end, over all markets (quote base units)
     * @param initialCapital what the books started with (the first high-water mark)
     * @param quoteDecimals  the quote currency's decimals (all markets share one quote currency)
     * @param auditRoot      the Merkle root of the epoch's audit-log entries (hex)
     */
    record Book(long equity, long initialCapital, int quoteDecimals, List<ModelTime> models, String auditRoot) {}

    Book read(Instant from, Instant to);
}
