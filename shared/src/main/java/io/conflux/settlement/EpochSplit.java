package io.conflux.settlement;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An epoch's profit, split exactly in integer base units, as the vault checks it:
 * <ul>
 *   <li>{@code fee = floor(profit * feeBps / 10^4)}: the platform's;</li>
 *   <li>{@code pool = floor(profit * contributorBps / 10^4)}: the contributors' part;</li>
 *   <li>{@code investorsPart = profit - fee - pool}: stays in the vault for its shareholders.</li>
 * </ul>
 * The pool is shared by the models that traded in the epoch, each by the time it traded, and within a model by its
 * round's payout shares. A trader's weight is {@code sum over models of ticks * ppm}; of the pool, the part that
 * belongs to rewarded models ({@code floor(pool * sum(weights) / (ticks of all models * 10^6))}) is allocated by
 * largest remainder (ties to the lower address), so the allocations add up to it exactly. The rest of the pool is
 * the epoch's <b>dust</b>: the share of models whose round rewarded nobody, and the rounding of that product. Its
 * home is the vault (the investors), and it is recorded as such.
 * <p>{@code sum(allocations) + dust + fee + investorsPart == profit}, always.
 */
public record EpochSplit(long profit, long fee, long pool, long investorsPart, long allocated, long dust,
                         Map<String, Long> allocations) {

    public static final int BPS = 10_000;

    /** At most half the profit may go to the platform (the vault's MAX_FEE_BPS). */
    public static final int MAX_FEE_BPS = 5_000;

    public static EpochSplit of(long profit, int feeBps, int contributorBps, List<ModelTime> models) {
        if (profit < 0) throw new IllegalArgumentException("an epoch's distributable profit is never negative: " + profit);
        if (feeBps < 0 || feeBps > MAX_FEE_BPS) throw new IllegalArgumentException("the fee must lie in 0.." + MAX_FEE_BPS + " bps: " + feeBps);
        if (contributorBps < 0 || feeBps + contributorBps > BPS) throw new IllegalArgumentException("fee + contributors' share exceed the whole: " + feeBps + " + " + contributorBps);
        long fee = mulDiv(profit, feeBps, BPS);
        long pool = mulDiv(profit, contributorBps, BPS);

        Map<String, BigInteger> weights = new TreeMap<>();
        BigInteger total = BigInteger.ZERO;
        for (ModelTime m : models) {
            total = total.add(BigInteger.valueOf(m.ticks()).multiply(BigInteger.valueOf(ModelTime.PPM)));
            for (var e : m.ppmByTrader().entrySet()) {
                if (e.getValue() == 0 || m.ticks() == 0) continue;
                weights.merge(e.getKey(), BigInteger.valueOf(m.ticks()).multiply(BigInteger.valueOf(e.getValue())), BigInteger::add);
            }
        }
        BigInteger rewarded = weights.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
        long distributable = total.signum() == 0 ? 0 : BigInteger.valueOf(pool).multiply(rewarded).divide(total).longValueExact();
        Map<String, Long> allocations = largestRemainder(distributable, weights);
        return new EpochSplit(profit, fee, pool, profit - fee - pool, distributable, pool - distributable, allocations);
    }

    /**
     * {@code amount} shared in proportion to {@code weights}: each gets the floor of its exact part, and what the
     * floors leave goes one unit each to the largest remainders (ties: the lower key). Zero parts are left out.
     */
    static Map<String, Long> largestRemainder(long amount, Map<String, BigInteger> weights) {
        BigInteger sum = weights.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
        Map<String, Long> out = new LinkedHashMap<>();
        if (amount == 0 || sum.signum() == 0) return out;
        record Part(String key, long floor, BigInteger remainder) {}
        List<Part> parts = new ArrayList<>();
        long assigned = 0;
        for (var e : weights.entrySet()) {
            BigInteger[] qr = BigInteger.valueOf(amount).multiply(e.getValue()).divideAndRemainder(sum);
            parts.add(new Part(e.getKey(), qr[0].longValueExact(), qr[1]));
            assigned += qr[0].longValueExact();
        }
        List<Part> byRemainder = new ArrayList<>(parts);
        byRemainder.sort(Comparator.comparing(Part::remainder).reversed().thenComparing(Part::key));
        Map<String, Long> extra = new TreeMap<>();
        for (int i = 0; i < amount - assigned; i++) extra.merge(byRemainder.get(i).key(), 1L, Long::sum);
        for (Part p : parts) {
            long v = p.floor() + extra.getOrDefault(p.key(), 0L);
            if (v > 0) out.put(p.key(), v);
        }
        return out;
    }

    static long mulDiv(long a, long b, long c) {
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)).longValueExact();
    }
}
