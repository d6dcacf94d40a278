package io.conflux.features;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class NormalizerTest {

    /** Four rows of three made-up columns: a ramp, a constant, and one outlier. */
    private static FeatureMatrix matrix(double[] values) {
        Candles candles = Candles.of(TestCandles.randomWalk(values.length / 3, 1));
        int rows = values.length / 3;
        int[] index = new int[rows], segment = new int[rows];
        for (int r = 0; r < rows; r++) index[r] = r;
        return new FeatureMatrix(candles, List.of("ramp", "constant", "outlier"), values, index, segment);
    }

    private static final double[] VALUES = {
            1, 7, 0,
            2, 7, 0,
            3, 7, 0,
            4, 7, 1000,
    };

    @Test
    void fit_isMeanAndPopulationStd_onTheGivenRowsOnly() {
        Normalizer n = Normalizer.fit(matrix(VALUES), 0, 3);
        assertEquals(2, n.mean(0));
        assertEquals(Math.sqrt(2.0 / 3), n.std(0), 1e-15);
        assertEquals(7, n.mean(1));
        assertEquals(1, n.std(1), "a constant column gets std 1");
        assertEquals(0, n.mean(2), "row 3, outside the fitted range, is not seen");
        assertEquals(1, n.std(2));

        double[] changed = VALUES.clone();
        changed[9] = -5;
        changed[11] = 42;
        assertEquals(n, Normalizer.fit(matrix(changed), 0, 3));
    }

    @Test
    void apply_givesZScores_clampedAtTen() {
        FeatureMatrix m = matrix(VALUES);
        Normalizer n = Normalizer.fit(m, 0, 3);
        FeatureMatrix z = n.apply(m);
        assertEquals((4 - 2) / Math.sqrt(2.0 / 3), z.get(3, 0), 1e-12);
        assertEquals(0, z.get(2, 1));
        assertEquals(10, z.get(3, 2), "1000 standard deviations out is clamped");
        assertEquals(-10, n.apply(2, -1e9));
        assertArrayEquals(z.row(3), n.apply(m.row(3)));
        assertEquals(VALUES[9], m.get(3, 0), "apply copies; the matrix is untouched");
    }

    @Test
    void json_roundTripsExactly_andNamesTheFeatures() {
        Normalizer n = new Normalizer(List.of("a", "b", "c"), new double[] {0.1, -1.0 / 3, 1e-300},
                new double[] {Math.PI, 1e-7, 12345.678901234567}, 10);
        String json = n.toJson();
        assertTrue(json.startsWith("{\"format\":\"conflux-normalizer/1\",\"clamp\":10.0,\"features\":[{\"name\":\"a\",\"mean\":0.1,"), json);
        Normalizer back = Normalizer.fromJson(json);
        assertEquals(n, back);
        for (int c = 0; c < 3; c++) {
            assertEquals(Double.doubleToRawLongBits(n.mean(c)), Double.doubleToRawLongBits(back.mean(c)));
            assertEquals(Double.doubleToRawLongBits(n.std(c)), Double.doubleToRawLongBits(back.std(c)));
        }
    }

    @Test
    void fromJson_refusesDocumentsItCannotTrust() {
        assertThrows(IllegalArgumentException.class, () -> Normalizer.fromJson("not json"));
        assertThrows(IllegalArgumentException.class, () -> Normalizer.fromJson("{\"format\":\"other/1\",\"clamp\":10,\"features\":[]}"));
        assertThrows(IllegalArgumentException.class, () -> Normalizer.fromJson("{\"format\":\"conflux-normalizer/1\",\"clamp\":10,\"features\":[]}"));
        assertThrows(IllegalArgumentException.class, () -> Normalizer.fromJson(
                "{\"format\":\"conflux-normalizer/1\",\"clamp\":10,\"features\":[{\"name\":\"a\",\"mean\":0,\"std\":0}]}"));
        assertThrows(IllegalArgumentException.class, () -> Normalizer.fromJson(
                "{\"format\":\"conflux-normalizer/1\",\"clamp\":10,\"features\":[{\"name\":\"a\",\"mean\":\"x\",\"std\":1}]}"));
    }

    @Test
    void apply_refusesAMatrixWithOtherColumns() {
        Normalizer n = Normalizer.fit(matrix(VALUES), 0, 4);
        FeatureMatrix real = FeatureSet.of("rsi_14", "roc_10", "cci_20").compute(Candles.of(TestCandles.randomWalk(300, 2)));
        assertThrows(IllegalArgumentException.class, () -> n.apply(real));
    }

    @Test
    void fitOnATrainingDataset_usesExactlyTheRowsItsWindowsRead() {
        Candles candles = Candles.of(TestCandles.randomWalk(600, 3));
        FeatureMatrix m = FeatureSet.standard().compute(candles);
        List<Dataset> parts = Dataset.of(m, Labels.nextCandle(candles), 32).split(0.75, 0.25);
        Dataset train = parts.get(0);
        assertEquals(Normalizer.fit(m, 0, train.lastRow() + 1), Normalizer.fit(train));
        assertTrue(train.lastRow() < parts.get(1).endRow(0));
    }

    @Test
    void fitBefore_usesExactlyTheRowsThatOpenedBeforeTheTime_andRefusesTooLittleHistory() {
        FeatureMatrix m = FeatureSet.of("rsi_14", "roc_10").compute(Candles.of(TestCandles.randomWalk(400, 5)));
        int cut = 120;
        java.time.Instant at = m.openTime(cut);
        assertEquals(Normalizer.fit(m, 0, cut), Normalizer.fitBefore(m, at));
        assertNotEquals(Normalizer.fit(m, 0, cut + 50), Normalizer.fitBefore(m, at));
        var e = assertThrows(IllegalArgumentException.class, () -> Normalizer.fitBefore(m, m.openTime(1)));
        assertTrue(e.getMessage().contains("only 1 feature rows"), e.getMessage());
    }
}
