package io.conflux.contribution;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContributionsTest {

    /** Exact Shapley values by enumerating every permutation: the independent reference. */
    static double[] exactShapley(int n, Utility v) {
        double[] phi = new double[n];
        List<int[]> perms = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, perms);
        for (int[] p : perms) {
            BitSet s = new BitSet();
            double before = v.value(s);
            for (int player : p) {
                s.set(player);
                double after = v.value(s);
                phi[player] += after - before;
                before = after;
            }
        }
        for (int i = 0; i < n; i++) phi[i] /= perms.size();
        return phi;
    }

    private static void permute(int[] p, boolean[] used, int pos, List<int[]> out) {
        if (pos == p.length) {
            out.add(p.clone());
            return;
        }
        for (int i = 0; i < p.length; i++) {
            if (!used[i]) {
                used[i] = true;
                p[pos] = i;
                permute(p, used, pos + 1, out);
                used[i] = false;
            }
        }
    }

    /** A weighted majority game: a coalition is worth 1 once its weight reaches the quota, plus a small additive part. */
    static Utility game(double[] weights, double quota, double[] additive) {
        return s -> {
            double w = 0, a = 0.5;
            for (int i = s.nextSetBit(0); i >= 0; i = s.nextSetBit(i + 1)) {
                w += weights[i];
                a += additive[i];
            }
            return (w >= quota ? 1 : 0) + a;
        };
    }

    @Test
    void gtgShapley_estimatesTheExactShapleyValues() {
        double[] w = {4, 3, 2, 1, 1, 1};
        double[] add = {0.01, -0.02, 0.03, 0.0, 0.05, -0.01};
        Utility v = game(w, 7, add);
        double[] exact = exactShapley(6, v);
        Contributions.Result r = Contributions.gtgShapley(6, v, 42, 1e-9, 10_000, 1e-4);
        for (int i = 0; i < 6; i++) assertEquals(exact[i], r.scores()[i], 0.03, "player " + i + " " + Arrays.toString(r.scores()));
        assertEquals(Arrays.stream(exact).sum(), Arrays.stream(r.scores()).sum(), 1e-9, "efficiency: the scores add up to v(all) - v(none)");
    }

    @Test
    void gtgShapley_isExactForAnAdditiveGame_andReproducibleWithItsSeed() {
        double[] a = {0.2, -0.1, 0.05, 0.3};
        Utility v = s -> s.stream().mapToDouble(i -> a[i]).sum();
        Contributions.Result r = Contributions.gtgShapley(4, v, 7, 1e-12, 1000, 1e-9);
        assertArrayEquals(a, r.scores(), 1e-12);
        assertArrayEquals(r.scores(), Contributions.gtgShapley(4, v, 7, 1e-12, 1000, 1e-9).scores());
        assertArrayEquals(a, Contributions.leaveOneOut(4, v).scores(), 1e-12);
    }

    @Test
    void leaveOneOut_missesRedundantContributors_whereShapleySeesThem() {
        Utility twoOfThree = s -> s.cardinality() >= 2 ? 1 : 0;
        assertArrayEquals(new double[] {0, 0, 0}, Contributions.leaveOneOut(3, twoOfThree).scores());
        double[] shapley = Contributions.gtgShapley(3, twoOfThree, 1, 1e-9, 100, 1e-5).scores();
        for (double s : shapley) assertEquals(1.0 / 3, s, 0.05, Arrays.toString(shapley)); // Monte Carlo: close, not exact
        assertEquals(1.0, Arrays.stream(shapley).sum(), 1e-12, "efficiency holds exactly in every permutation");
    }

    @Test
    void budgetAndTruncation_boundTheCost() {
        Utility v = game(new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 6, new double[10]);
        Contributions.Result r = Contributions.gtgShapley(10, v, 3, 1e-9, 60, 0);
        assertTrue(r.evaluations() <= 60 + 10, "one permutation may finish past the budget: " + r.evaluations());
        Contributions.Result flat = Contributions.gtgShapley(10, s -> 0.7, 3, 1e-4, 1000, 1e-6);
        assertEquals(2, flat.evaluations(), "a round that gained nothing is not sampled");
        assertArrayEquals(new double[10], flat.scores());
    }

    @Test
    void payoutShares_areNonNegative_proportional_andSumToExactlyOneMillion() {
        double[] scores = {0.3, -0.2, 0.1, 0.1, 1e-9, 0};
        long[] ppm = Contributions.payoutPpm(scores);
        assertEquals(1_000_000, Arrays.stream(ppm).sum());
        assertEquals(0, ppm[1]);
        assertEquals(0, ppm[5]);
        double positive = 0.3 + 0.1 + 0.1 + 1e-9;
        for (int i : new int[] {0, 2, 3, 4}) assertEquals(scores[i] / positive * 1e6, ppm[i], 1.0);
        assertArrayEquals(new long[3], Contributions.payoutPpm(new double[] {-1, 0, -0.5}));
        long[] thirds = Contributions.payoutPpm(new double[] {1, 1, 1});
        assertArrayEquals(new long[] {333_334, 333_333, 333_333}, thirds, "the leftover part goes to the lowest index among equals");
    }
}
