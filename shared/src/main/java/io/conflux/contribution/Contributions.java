package io.conflux.contribution;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How much each of n updates helped: leave-one-out, and GTG-Shapley (Liu et al., 2022: Monte Carlo
 * permutations guided so each starts with a different player, truncated within a permutation once the
 * remaining gain is below a tolerance, and skipped entirely when the whole round gained less than it).
 *
 * <p>Coalition values are cached, so a permutation prefix seen before costs nothing; {@link Result}
 * reports how many distinct coalitions were evaluated, which the budget bounds. The seed makes the
 * estimate reproducible.
 */
public final class Contributions {

    private Contributions() {}

    /** Scores, and what computing them cost. */
    public record Result(String method, double[] scores, int evaluations, int permutations) {}

    private static final class Cached {
        private final Utility utility;
        private final Map<BitSet, Double> values = new HashMap<>();

        Cached(Utility utility) {
            this.utility = utility;
        }

        double value(BitSet s) {
            Double v = values.get(s);
            if (v == null) {
                BitSet key = (BitSet) s.clone();
                v = utility.value(key);
                values.put(key, v);
            }
            return v;
        }

        int evaluations() {
            return values.size();
        }
    }

    /** v(all) - v(all without i): n + 1 evaluations. */
    public static Result leaveOneOut(int n, Utility utility) {
        Cached u = new Cached(utility);
        BitSet all = new BitSet();
        all.set(0, n);
        double full = u.value(all);
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            BitSet without = (BitSet) all.clone();
            without.clear(i);
            scores[i] = full - u.value(without);
        }
        return new Result("leave-one-out", scores, u.evaluations(), 0);
    }

    /**
     * @param tolerance    truncation threshold on the metric (e.g. 1e-4 of accuracy)
     * @param maxEvaluations budget: stop sampling permutations once this many coalitions were evaluated
     * @param convergence  stop when the mean absolute change of the estimates over the last n permutations is below
     *                     this, once at least 10 n permutations were sampled (the budget still stops it earlier)
     */
    public static Result gtgShapley(int n, Utility utility, long seed, double tolerance, int maxEvaluations, double convergence) {
        Cached u = new Cached(utility);
        BitSet all = new BitSet();
        all.set(0, n);
        double full = u.value(all);
        double empty = u.value(new BitSet());
        double[] sum = new double[n];
        int[] count = new int[n];
        if (Math.abs(full - empty) < tolerance) {
            return new Result("gtg-shapley", new double[n], u.evaluations(), 0); // between-round truncation
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int permutations = 0;
        double[] previous = new double[n];
        while (u.evaluations() < maxEvaluations) {
            int[] perm = permutation(n, permutations % n, rnd); // guided: each player leads in turn
            BitSet s = new BitSet();
            double before = empty;
            for (int pos = 0; pos < n; pos++) {
                int player = perm[pos];
                double gain;
                if (Math.abs(full - before) < tolerance) {
                    gain = 0; // within-round truncation: what is left to gain is noise
                } else {
                    s.set(player);
                    double after = u.value(s);
                    gain = after - before;
                    before = after;
                }
                sum[player] += gain;
                count[player]++;
            }
            permutations++;
            if (permutations % n == 0) {
                double change = 0;
                for (int i = 0; i < n; i++) {
                    double est = sum[i] / count[i];
                    change += Math.abs(est - previous[i]);
                    previous[i] = est;
                }
                // a few cycles can repeat their estimates by chance: convergence counts only after 10 n permutations
                if (permutations >= 10 * n && change / n < convergence) break;
            }
        }
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) scores[i] = count[i] == 0 ? 0 : sum[i] / count[i];
        return new Result("gtg-shapley", scores, u.evaluations(), permutations);
    }

    /** A random permutation of 0..n-1 that starts with {@code first}. */
    private static int[] permutation(int n, int first, SplittableRandom rnd) {
        int[] rest = new int[n - 1];
        for (int i = 0, j = 0; i < n; i++) if (i != first) rest[j++] = i;
        for (int i = rest.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = rest[i];
            rest[i] = rest[j];
            rest[j] = t;
        }
        int[] p = new int[n];
        p[0] = first;
        System.arraycopy(rest, 0, p, 1, rest.length);
        return p;
    }

    /**
     * Payout shares in parts per million: negative scores earn nothing; the positive ones share
     * 1,000,000 in proportion, rounded by largest remainder (ties to the lower index) so the parts sum to
     * exactly 1,000,000. If no score is positive, every share is 0 (the round earns no contributor share).
     */
    public static long[] payoutPpm(double[] scores) {
        long[] out = new long[scores.length];
        double positive = Arrays.stream(scores).filter(s -> s > 0).sum();
        if (!(positive > 0)) return out;
        final long total = 1_000_000;
        double[] remainders = new double[scores.length];
        long assigned = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] <= 0) continue;
            double exact = scores[i] / positive * total;
            out[i] = (long) Math.floor(exact);
            remainders[i] = exact - out[i];
            assigned += out[i];
        }
        Integer[] order = java.util.stream.IntStream.range(0, scores.length).filter(i -> scores[i] > 0).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> remainders[a] != remainders[b] ? Double.compare(remainders[b], remainders[a]) : Integer.compare(a, b));
        for (int r = 0; r < total - assigned; r++) out[order[r % order.length]]++;
        return out;
    }
}
