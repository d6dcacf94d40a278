package io.conflux.settlement;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Settles every closed epoch, once and in order, and keeps the platform's record and the chain in step.
 * <ol>
 *   <li>Compute: the epoch's book from the ledger, profit over the high-water mark, the split, the Merkle tree.</li>
 *   <li>Record it in the store, once (a conditional write; a lost race reads the winner's record), then the
 *       allocations (idempotent).</li>
 *   <li>Reconcile with the chain: if the vault already has the epoch with the same root and amounts, the record is
 *       marked SETTLED (a retry after a lost reply); if it has a different one, the record is marked CONFLICT and
 *       nothing more is sent; if it does not have it, the models are registered and the epoch settled.</li>
 * </ol>
 * A failure on the chain leaves the record PENDING and is rethrown; the next run (the schedule, or a retry) picks
 * it up at step 3. The vault refuses a second settlement of an epoch, so nothing is paid twice, and the record is
 * written before anything is sent, so nothing accepted is lost.
 */
public final class SettlementService {

    private static final Logger LOG = Logger.getLogger(SettlementService.class.getName());

    private final EpochCalendar calendar;
    private final long firstEpoch;
    private final EpochLedger ledger;
    private final SettlementStore store;
    private final SettlementChain chain;
    private final Clock clock;

    public SettlementService(EpochCalendar calendar, long firstEpoch, EpochLedger ledger, SettlementStore store, SettlementChain chain, Clock clock) {
        this.calendar = calendar;
        this.firstEpoch = firstEpoch;
        this.ledger = ledger;
        this.store = store;
        this.chain = chain;
        this.clock = clock;
    }

    /** Settles the closed epochs not yet settled, oldest first, up to {@code upTo} (at most the last closed one). */
    public List<Settlement> settleClosed(long upTo) {
        long lastClosed = calendar.lastClosed(clock.instant());
        long last = Math.min(upTo, lastClosed);
        List<Settlement> done = new ArrayList<>();
        for (long e = nextToSettle(); e <= last; e++) {
            Settlement s = settle(e);
            done.add(s);
            if (s.status() != Settlement.Status.SETTLED) break;
        }
        return done;
    }

    /** The oldest epoch whose settlement is not SETTLED. */
    long nextToSettle() {
        List<Settlement> latest = store.list(1);
        if (latest.isEmpty()) return firstEpoch;
        Settlement s = latest.getFirst();
        return s.status() == Settlement.Status.SETTLED ? s.epoch() + 1 : s.epoch();
    }

    /** Settles one epoch (or reconciles its record with the chain). A repeat changes nothing. */
    public Settlement settle(long epoch) {
        if (epoch < firstEpoch) throw new IllegalArgumentException("epoch " + epoch + " is before the first settled epoch " + firstEpoch);
        if (epoch > calendar.lastClosed(clock.instant())) throw new IllegalArgumentException("epoch " + epoch + " has not ended (it ends " + calendar.end(epoch) + ")");
        Optional<Settlement> recorded = store.find(epoch);
        if (recorded.isPresent() && recorded.get().status() == Settlement.Status.SETTLED) return recorded.get();
        if (recorded.isPresent() && recorded.get().status() == Settlement.Status.CONFLICT) return recorded.get();

        // a recorded epoch is recomputed under the split it was recorded with: the figures of a closed epoch never move
        int[] split = recorded.map(r -> new int[] {r.feeBps(), r.contributorBps()}).orElseGet(chain::split);
        Computed computed = compute(epoch, split);
        Settlement s = recorded.orElse(null);
        if (s == null) {
            if (!store.create(computed.settlement())) s = store.find(epoch).orElseThrow();
            else s = computed.settlement();
        }
        if (!s.allocationsRoot().equals(computed.settlement().allocationsRoot()) || s.profit() != computed.settlement().profit()) {
            // the inputs of a closed epoch do not change; if they did, the record stands and an operator must look
            String why = "recomputed epoch " + epoch + " differs from its record (root " + computed.settlement().allocationsRoot() + ", profit "
                    + computed.settlement().profit() + " vs recorded " + s.allocationsRoot() + ", " + s.profit() + ")";
            store.markConflict(epoch, why);
            LOG.severe(why);
            return s.conflict(why);
        }
        store.putAllocations(epoch, computed.tree());
        return reconcile(s);
    }

    private Settlement reconcile(Settlement s) {
        SettlementChain.OnChainEpoch on = chain.epoch(s.epoch());
        if (on.settled()) {
            if (on.allocationsRoot().equalsIgnoreCase(s.allocationsRoot()) && on.profit() == s.profit() && on.fee() == s.fee() && on.allocated() == s.allocated()) {
                store.markSettled(s.epoch(), s.txHash() == null ? "reconciled" : s.txHash(), clock.instant());
                return s.settled(s.txHash() == null ? "reconciled" : s.txHash(), clock.instant());
            }
            String why = "the vault holds a different settlement for epoch " + s.epoch() + ": root " + on.allocationsRoot() + ", profit " + on.profit()
                    + ", fee " + on.fee() + ", allocated " + on.allocated();
            store.markConflict(s.epoch(), why);
            LOG.severe(why);
            return s.conflict(why);
        }
        long next = chain.nextEpoch();
        if (next != s.epoch()) {
            throw new IllegalStateException("the vault expects epoch " + next + " next, not " + s.epoch() + ": settle the epochs before it first");
        }
        for (ModelTime m : s.models()) if (m.ticks() > 0) chain.ensureRegistered(m);
        String tx = chain.settle(s);
        Instant at = clock.instant();
        store.markSettled(s.epoch(), tx, at);
        return s.settled(tx, at);
    }

    record Computed(Settlement settlement, AllocationTree tree) {}

    Computed compute(long epoch, int[] split) {
        Instant from = calendar.start(epoch), to = calendar.end(epoch);
        EpochLedger.Book book = ledger.read(from, to);
        long markBefore;
        if (epoch == firstEpoch) {
            markBefore = book.initialCapital();
        } else {
            Settlement prev = store.find(epoch - 1).filter(p -> p.status() == Settlement.Status.SETTLED)
                    .orElseThrow(() -> new IllegalStateException("epoch " + (epoch - 1) + " is not settled: settle epochs in order"));
            markBefore = prev.markAfter();
        }
        HighWaterMark hwm = HighWaterMark.after(markBefore, book.equity());
        long profit = toTokenUnits(hwm.profit(), book.quoteDecimals(), chain.tokenDecimals());
        EpochSplit es = EpochSplit.of(profit, split[0], split[1], book.models());
        AllocationTree tree = new AllocationTree(epoch, es.allocations());
        Settlement s = new Settlement(epoch, from, to, Settlement.Status.PENDING, book.equity(), markBefore, hwm.markAfter(), profit, split[0], split[1],
                es.fee(), es.pool(), es.investorsPart(), es.allocated(), es.dust(), es.allocations().size(), tree.root(), book.auditRoot(),
                book.models().stream().map(ModelTime::withoutShares).toList(), null, null, clock.instant(), null);
        return new Computed(s, tree);
    }

    /** Quote units to token units, exactly: the vault's token must have at least the quote currency's decimals. */
    static long toTokenUnits(long quoteUnits, int quoteDecimals, int tokenDecimals) {
        if (tokenDecimals < quoteDecimals) {
            throw new IllegalStateException("the vault's token has " + tokenDecimals + " decimals, fewer than the books' " + quoteDecimals + ": profits would not convert exactly");
        }
        return BigInteger.valueOf(quoteUnits).multiply(BigInteger.TEN.pow(tokenDecimals - quoteDecimals)).longValueExact();
    }

    /** Blocks read per log query: JSON-RPC providers refuse (or time out on) wide eth_getLogs ranges. */
    static final long CLAIM_BLOCKS_PER_QUERY = 10_000;

    /**
     * Reads the vault's Claimed events since the last run into the allocations (idempotent), a bounded range of
     * blocks at a time, moving the cursor after each range; returns how many it read.
     */
    public int indexClaims() {
        long head = chain.head();
        int n = 0;
        for (long from = Math.max(store.claimsCursor(), chain.firstBlock()); from <= head; from = Math.max(store.claimsCursor(), chain.firstBlock())) {
            long to = Math.min(head, from + CLAIM_BLOCKS_PER_QUERY - 1);
            for (SettlementChain.ClaimEvent c : chain.claims(from, to)) {
                store.markClaimed(c.epoch(), c.trader(), c.txHash());
                n++;
            }
            store.advanceClaimsCursor(to + 1);
        }
        return n;
    }
}
