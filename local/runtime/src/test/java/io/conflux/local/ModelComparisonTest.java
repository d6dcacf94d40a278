package io.conflux.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModelComparisonTest {
    @Test
    void wilsonIntervalsMatchPublishedValues() {
        // Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 -> 0.2553..0.3662; 15/148 -> 0.0624..0.1605; 0/20 -> 0..0.1611
        assertArrayEquals(new double[] {0.2553, 0.3662}, round(ModelComparison.wilson(81, 263)), 1e-4);
        assertArrayEquals(new double[] {0.0624, 0.1605}, round(ModelComparison.wilson(15, 148)), 1e-4);
        assertArrayEquals(new double[] {0.0, 0.1611}, round(ModelComparison.wilson(0, 20)), 1e-4);
        // and symmetric: k of n mirrors n-k of n
        double[] a = ModelComparison.wilson(7, 30), b = ModelComparison.wilson(23, 30);
        assertArrayEquals(new double[] {1 - b[1], 1 - b[0]}, a, 1e-12);
    }

    @Test
    void theMajorityBaselineIsTheEvaluatorsCountOnTheSameWindows() {
        ModelComparison.Scored model = new ModelComparison.Scored("m", "global", null, 335, 158, 158 / 335.0, 0, 1, 1.02, 142 / 335.0);
        ModelComparison.Scored baseline = ModelComparison.majority(model);
        assertEquals(335, baseline.windows());
        assertEquals(142, baseline.correct());
        assertEquals(142 / 335.0, baseline.accuracy(), 1e-15);
        assertArrayEquals(ModelComparison.wilson(142, 335), new double[] {baseline.low(), baseline.high()}, 0);
        assertTrue(Double.isNaN(baseline.logLoss()) && baseline.toMap().get("logLoss") == null, "a baseline states no probabilities");
    }

    @Test
    void impossibleCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ModelComparison.wilson(5, 4));
        assertThrows(IllegalArgumentException.class, () -> ModelComparison.wilson(0, 0));
    }

    private static double[] round(double[] v) {
        return new double[] {Math.round(v[0] * 1e4) / 1e4, Math.round(v[1] * 1e4) / 1e4};
    }
}
