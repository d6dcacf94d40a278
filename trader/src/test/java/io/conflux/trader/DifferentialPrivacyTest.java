package io.conflux.trader;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Clipping and noise do what they say, and the accountant's epsilon is a true bound that is not loose: checked
 * against the exact privacy curve of the Gaussian mechanism (Balle and Wang 2018), computed here independently.
 */
class DifferentialPrivacyTest {

    @Test
    void aLargeUpdateIsClippedToC_andNoiseHasStandardDeviationZTimesC() {
        int n = 200_000;
        float[] delta = new float[n];
        for (int i = 0; i < n; i++) delta[i] = (i % 2 == 0 ? 1 : -1) * 0.01f; // norm sqrt(n) * 0.01 = 4.47
        DifferentialPrivacy.Params p = new DifferentialPrivacy.Params(0.5, 0.002);
        DifferentialPrivacy.Applied a = DifferentialPrivacy.apply(delta, p, new SplittableRandom(1));
        assertEquals(Math.sqrt(n) * 0.01, a.normBefore(), 1e-4);
        assertEquals(0.5 / a.normBefore(), a.scale(), 1e-9);
        double mean = 0, var = 0;
        for (int i = 0; i < n; i++) {
            double noise = a.values()[i] - delta[i] * a.scale();
            mean += noise;
            var += noise * noise;
        }
        mean /= n;
        var = var / n - mean * mean;
        double sigma = 0.002 * 0.5;
        assertEquals(0, mean, 5 * sigma / Math.sqrt(n), "noise is centred");
        assertEquals(sigma, Math.sqrt(var), sigma * 0.01, "noise std is z * C");
        assertEquals(sigma * Math.sqrt(n), a.noiseNorm(), sigma * Math.sqrt(n) * 0.01);
        assertEquals(0.01f, delta[0], "the input is left alone");
    }

    @Test
    void aSmallUpdateIsNotScaled() {
        float[] delta = {0.3f, 0.4f};
        DifferentialPrivacy.Applied a = DifferentialPrivacy.apply(delta, new DifferentialPrivacy.Params(1, 1e-9), new SplittableRandom(2));
        assertEquals(1.0, a.scale());
        assertEquals(0.5, a.normBefore(), 1e-7);
        assertEquals(0.3f, a.values()[0], 1e-6f);
    }

    @ParameterizedTest
    @CsvSource({"0.8,1", "1,1", "1,5", "2,1", "2,5", "4,1", "4,20", "10,1", "10,5"})
    void theAccountantsEpsilonHoldsForTheExactGaussianCurve_andIsWithin25PercentOfIt(double z, int releases) {
        double delta = 1e-5;
        var g = DifferentialPrivacy.guarantee(Collections.nCopies(releases, new DifferentialPrivacy.Params(0.1, z)), delta);
        // k Gaussian releases of sensitivity 2C and noise zC compose to one with mu = sqrt(k) * 2 / z
        double mu = Math.sqrt(releases) * 2 / z;
        assertTrue(exactDelta(g.epsilon(), mu) <= delta, "(" + g.epsilon() + ", " + delta + ") holds: exact delta " + exactDelta(g.epsilon(), mu));
        assertTrue(exactDelta(g.epsilon() / 1.25, mu) > delta, "epsilon " + g.epsilon() + " is not loose by more than 25%");
        assertEquals(releases, g.releases());
    }

    @Test
    void moreNoiseOrFewerReleasesMeanASmallerEpsilon_andMixedReleasesCompose() {
        DifferentialPrivacy.Params p1 = new DifferentialPrivacy.Params(0.1, 1), p4 = new DifferentialPrivacy.Params(0.1, 4);
        double e1 = DifferentialPrivacy.guarantee(List.of(p1), 1e-5).epsilon();
        double e4 = DifferentialPrivacy.guarantee(List.of(p4), 1e-5).epsilon();
        double both = DifferentialPrivacy.guarantee(List.of(p1, p4), 1e-5).epsilon();
        assertTrue(e4 < e1);
        assertTrue(both > e1 && both < e1 + e4, "composition costs more than either, less than the sum: " + e1 + " " + e4 + " " + both);
        double mu = Math.sqrt(4 + 4 / 16.0);
        assertTrue(exactDelta(both, mu) <= 1e-5);
        assertEquals(0, DifferentialPrivacy.guarantee(List.of(), 1e-5).epsilon());
        assertThrows(IllegalArgumentException.class, () -> new DifferentialPrivacy.Params(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DifferentialPrivacy.Params(1, Double.NaN));
    }

    /** delta(eps) of a mu-GDP mechanism (the Gaussian mechanism with sensitivity / sigma = mu). */
    static double exactDelta(double eps, double mu) {
        return phi(mu / 2 - eps / mu) - Math.exp(eps) * phi(-mu / 2 - eps / mu);
    }

    static double phi(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** Complementary error function, fractional error below 1.2e-7 everywhere (Numerical Recipes' erfcc, Chebyshev fit). */
    static double erfc(double x) {
        double z = Math.abs(x), t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
