package io.conflux.settlement;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class EpochSplitTest {

    static final String A = "0x" + "a".repeat(40), B = "0x" + "b".repeat(40), C = "0x" + "c".repeat(40);
    static final String M1 = "1".repeat(64), M2 = "2".repeat(64), M3 = "3".repeat(64);

    @Test
    void aWorkedEpoch() {
        // 100.000000 USDT of profit; model 1 traded 120 hours (A 75%, B 25%), model 2 traded 48 hours (B 100%).
        var split = EpochSplit.of(100_000_000, 3000, 5000, List.of(
                new ModelTime(M1, "r-1", 1, 120, Map.of(A, 750_000L, B, 250_000L)),
                new ModelTime(M2, "r-2", 2, 48, Map.of(B, 1_000_000L))));
        assertEquals(30_000_000, split.fee());
        assertEquals(50_000_000, split.pool());
        assertEquals(20_000_000, split.investorsPart());
        // weights: A = 120*0.75 = 90, B = 120*0.25 + 48 = 78 (of 168): A = 50e6*90/168 = 26,785,714.28.., B = 23,214,285.71..
        assertEquals(Map.of(A, 26_785_714L, B, 23_214_286L), split.allocations());
        assertEquals(50_000_000, split.allocated());
        assertEquals(0, split.dust());
    }

    @Test
    void aModelWhoseRoundRewardedNobodyLeavesItsTimeAsDust() {
        var split = EpochSplit.of(1_000_000, 3000, 5000, List.of(
                new ModelTime(M1, "r-1", 1, 100, Map.of(A, 1_000_000L)),
                new ModelTime(M2, "r-2", 2, 68, Map.of())));
        assertEquals(500_000, split.pool());
        assertEquals(Map.of(A, 297_619L), split.allocations()); // floor(500000 * 100/168)
        assertEquals(500_000 - 297_619, split.dust());
    }

    @Test
    void noProfitPaysNothing() {
        var split = EpochSplit.of(0, 3000, 5000, List.of(new ModelTime(M1, "r-1", 1, 168, Map.of(A, 1_000_000L))));
        assertEquals(0, split.fee());
        assertEquals(Map.of(), split.allocations());
        assertEquals(0, split.dust());
    }

    @Test
    void tiesInTheRemainderGoToTheLowerAddress() {
        var split = EpochSplit.of(10, 0, 10_000, List.of(new ModelTime(M1, "r-1", 1, 1, Map.of(A, 333_334L, B, 333_333L, C, 333_333L))));
        // exact: 3.33334, 3.33333, 3.33333 -> floors 3,3,3; the one unit left goes to A (largest remainder)
        assertEquals(Map.of(A, 4L, B, 3L, C, 3L), split.allocations());
        var tie = EpochSplit.of(2, 0, 10_000, List.of(new ModelTime(M1, "r-1", 1, 1, Map.of(C, 333_334L, B, 333_333L, A, 333_333L))));
        // exact: 0.666668 (C), 0.666666, 0.666666 -> C first, then A before B (a tie, lower address)
        assertEquals(Map.of(C, 1L, A, 1L), tie.allocations());
    }

    @Test
    void refusesAFeeAboveTheBoundAndASplitAboveTheWhole() {
        var e = assertThrows(IllegalArgumentException.class, () -> EpochSplit.of(1, 5001, 1000, List.of()));
        assertTrue(e.getMessage().contains("0..5000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EpochSplit.of(1, 3000, 7001, List.of()));
        assertThrows(IllegalArgumentException.class, () -> EpochSplit.of(-1, 3000, 5000, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ModelTime(M1, "r-1", 1, 1, Map.of(A, 999_999L)));
    }

    @Test
    void highWaterMark() {
        var up = HighWaterMark.after(1_000, 1_300);
        assertEquals(300, up.profit());
        assertEquals(1_300, up.markAfter());
        var down = HighWaterMark.after(1_300, 900);
        assertEquals(0, down.profit());
        assertEquals(1_300, down.markAfter());
        var recovering = HighWaterMark.after(1_300, 1_250);
        assertEquals(0, recovering.profit(), "no payout while recovering earlier losses");
        var above = HighWaterMark.after(1_300, 1_400);
        assertEquals(100, above.profit(), "only the part above the old peak is profit");
    }

    /** 10,000 random epochs: exact conservation, no negative payout, allocations within the pool and fair. */
    @Test
    void propertyOverTenThousandRandomEpochs() {
        SplittableRandom rnd = new SplittableRandom(20261122);
        for (int run = 0; run < 10_000; run++) {
            long profit = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextLong(0, 100);
                case 1 -> rnd.nextLong(0, 1_000_000_000L);
                case 2 -> rnd.nextLong(0, Long.MAX_VALUE / 2);
                default -> rnd.nextLong(0, 1_000_000_000_000L);
            };
            int feeBps = rnd.nextInt(EpochSplit.MAX_FEE_BPS + 1);
            int contributorBps = rnd.nextInt(EpochSplit.BPS - feeBps + 1);
            List<ModelTime> models = new ArrayList<>();
            int nModels = rnd.nextInt(4);
            for (int m = 0; m < nModels; m++) {
                int nTraders = rnd.nextInt(6);
                Map<String, Long> ppm = new HashMap<>();
                if (nTraders > 0 && rnd.nextInt(5) > 0) {
                    long[] raw = new long[nTraders];
                    long left = ModelTime.PPM;
                    for (int t = 0; t < nTraders - 1; t++) { raw[t] = rnd.nextLong(0, left + 1); left -= raw[t]; }
                    raw[nTraders - 1] = left;
                    for (int t = 0; t < nTraders; t++) ppm.merge(String.format("0x%040x", rnd.nextInt(12)), raw[t], Long::sum);
                }
                models.add(new ModelTime(String.format("%064x", m + 1), "r-" + m, m + 1, rnd.nextLong(0, 200), ppm));
            }
            EpochSplit s = EpochSplit.of(profit, feeBps, contributorBps, models);
            long payouts = s.allocations().values().stream().mapToLong(Long::longValue).sum();
            assertEquals(s.allocated(), payouts);
            assertEquals(profit, payouts + s.fee() + s.dust() + s.investorsPart(), "value is conserved exactly");
            assertTrue(s.allocations().values().stream().allMatch(v -> v > 0), "no negative or empty payout");
            assertTrue(s.fee() >= 0 && s.dust() >= 0 && s.investorsPart() >= 0 && s.allocated() <= s.pool());
            assertEquals(BigInteger.valueOf(profit).multiply(BigInteger.valueOf(feeBps)).divide(BigInteger.valueOf(10_000)).longValueExact(), s.fee());

            // each payout is its exact share of the rewarded part, rounded down or up by less than one unit
            BigInteger total = BigInteger.ZERO;
            Map<String, BigInteger> w = new HashMap<>();
            for (ModelTime m : models) {
                total = total.add(BigInteger.valueOf(m.ticks() * ModelTime.PPM));
                m.ppmByTrader().forEach((t, p) -> w.merge(t, BigInteger.valueOf(m.ticks()).multiply(BigInteger.valueOf(p)), BigInteger::add));
            }
            BigInteger sumW = w.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
            for (var e : w.entrySet()) {
                long got = s.allocations().getOrDefault(e.getKey(), 0L);
                if (sumW.signum() == 0) { assertEquals(0, got); continue; }
                BigInteger exactNum = BigInteger.valueOf(s.allocated()).multiply(e.getValue());
                long floor = exactNum.divide(sumW).longValueExact();
                assertTrue(got == floor || got == floor + 1, "payout " + got + " is floor or ceiling of its exact share " + floor);
            }
            if (total.signum() > 0) {
                // the rewarded part is the pool's exact share of rewarded time, rounded down
                assertEquals(BigInteger.valueOf(s.pool()).multiply(sumW).divide(total).longValueExact(), s.allocated());
            }
            if (run % 50 == 0 && !s.allocations().isEmpty()) {
                AllocationTree tree = new AllocationTree(run, s.allocations());
                for (var e : s.allocations().entrySet()) {
                    assertTrue(AllocationTree.verify(run, e.getKey(), e.getValue(), tree.proof(e.getKey()), tree.root()));
                    assertFalse(AllocationTree.verify(run, e.getKey(), e.getValue() + 1, tree.proof(e.getKey()), tree.root()), "a larger claim fails");
                    assertFalse(AllocationTree.verify(run + 1, e.getKey(), e.getValue(), tree.proof(e.getKey()), tree.root()), "another epoch's claim fails");
                }
            }
        }
    }
}
