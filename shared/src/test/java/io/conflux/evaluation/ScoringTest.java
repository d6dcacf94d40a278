package io.conflux.evaluation;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ScoringTest {

    @Test
    void metrics_matchAHandComputation() {
        // four windows; labels down, up, up, flat; next log returns as given
        ValidationSet set = new ValidationSet(new float[4], 4, 1, 1, new int[] {0, 2, 2, 1}, new double[] {-0.02, 0.03, 0.01, 0.0});
        float[] p = {
            0.7f, 0.2f, 0.1f,   // says down (right); P(up)-P(down) = -0.6 -> flat
            0.1f, 0.2f, 0.7f,   // says up (right); +0.6 -> long (1 trade)
            0.3f, 0.4f, 0.3f,   // says flat (wrong); 0 -> flat (2nd trade)
            0.2f, 0.5f, 0.3f};  // says flat (right); +0.1 > 0.05 -> long (3rd trade)
        Metrics m = Scoring.score(set, p, 3, 0.001, 0.05);
        assertEquals(4, m.windows());
        assertEquals(0.75, m.accuracy(), 1e-12);
        assertEquals(0.5, m.majorityBaseline(), 1e-12, "up is the most frequent class: 2 of 4");
        double logLoss = -(Math.log(0.7f) + Math.log(0.7f) + Math.log(0.3f) + Math.log(0.5f)) / 4;
        assertEquals(logLoss, m.logLoss(), 1e-12);
        // long over window 2 (earns 0.03) and window 4 (earns 0.0), three position changes at 0.001 each
        assertEquals(0.03 - 3 * 0.001, m.policyReturn(), 1e-12);
        assertEquals(0.02, m.buyAndHold(), 1e-12);
        assertEquals(3, m.trades());
        assertEquals(-m.logLoss(), m.utility());
    }

    @Test
    void metrics_roundTripThroughTheirMap() {
        Metrics m = new Metrics(10, 0.5, 0.4, 1.01, 0.02, -0.01, 3);
        assertEquals(m, Metrics.fromMap(m.toMap()));
    }
}
