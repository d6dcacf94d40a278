package io.conflux.trader;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.features.Candle;
import io.conflux.features.Candles;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.update.ModelUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** From a trader's candles to the update: walk-forward cut, training-only normalization, norm bound, DP. */
class TrainingJobTest {
    private static final ModelTemplate T = new ModelTemplate(12, 24, 16, 3);
    private static final Instant FROM = Instant.parse("2021-01-01T00:00:00Z");
    private static Candles candles;

    @BeforeAll
    static void data() throws Exception {
        candles = io.conflux.features.TestCandles.real("btc-usdt-1h.csv").slice(Instant.parse("2020-10-01T00:00:00Z"), Instant.parse("2021-02-01T00:00:00Z"));
    }

    private static TrainingJob.RoundSpec round(double bound) {
        return new TrainingJob.RoundSpec("r-1", T, FROM, bound);
    }

    @Test
    void onlyCandlesBeforeTheValidationWindowAreUsed_andLaterOnesChangeNothing() {
        TrainingJob.Prepared p = TrainingJob.prepare(candles, round(10), 0.2, null);
        assertEquals(candles.size() - candles.indexAtOrAfter(FROM), p.candlesAfterCutoff());
        assertTrue(p.dataEnd().isBefore(FROM), "data ends " + p.dataEnd());
        // exchange outages on 2020-12-21 and 12-25 leave stretches too short for the indicators' warm-up plus a window,
        // so the last label is the last candle before the 12-21 outage
        int lastStretch = candles.indexAtOrAfter(FROM) - candles.indexAtOrAfter(Instant.parse("2020-12-25T03:00:00Z"));
        assertTrue(lastStretch < io.conflux.features.FeatureSet.standard().warmUp() + T.window());
        assertEquals(Instant.parse("2020-12-21T13:00:00Z"), p.dataEnd(), "the last label reads the last usable candle before the window");

        // alter every candle from the cutoff on: the windows, labels, normalization and data end stay the same
        List<Candle> altered = new ArrayList<>();
        for (int i = 0; i < candles.size(); i++) {
            Candle c = candles.get(i);
            altered.add(c.openTime().isBefore(FROM) ? c : new Candle(c.openTime(), c.open() * 3, c.high() * 3, c.low() * 3, c.close() * 3, c.volume() * 7));
        }
        TrainingJob.Prepared q = TrainingJob.prepare(Candles.of(altered, candles.interval()), round(10), 0.2, null);
        assertArrayEquals(p.training().inputs(), q.training().inputs());
        assertArrayEquals(p.validation().inputs(), q.validation().inputs());
        assertArrayEquals(p.validation().labels(), q.validation().labels());
        assertEquals(p.normalizer(), q.normalizer());
        assertEquals(p.dataEnd(), q.dataEnd());
    }

    @Test
    void normalizationIsFittedOnTheTrainingWindowsOnly() {
        TrainingJob.Prepared p = TrainingJob.prepare(candles, round(10), 0.2, null);
        // change a candle that only the validation windows read: the normalizer does not move, the validation inputs do
        int i = p.validation().endCandleIndex(p.validation().size() - 1);
        List<Candle> altered = new ArrayList<>(candles.toList());
        Candle c = altered.get(i);
        altered.set(i, new Candle(c.openTime(), c.open(), c.high() * 1.05, c.low(), c.close() * 1.04, c.volume() * 5));
        TrainingJob.Prepared q = TrainingJob.prepare(Candles.of(altered, candles.interval()), round(10), 0.2, null);
        assertEquals(p.normalizer(), q.normalizer());
        assertFalse(java.util.Arrays.equals(p.validation().inputs(), q.validation().inputs()));
    }

    @Test
    void candlesThatStartInsideTheWindow_orTooFewWindows_areRefusedWithTheReason() {
        Candles late = candles.slice(FROM, Instant.parse("2021-02-01T00:00:00Z"));
        var e = assertThrows(TrainingJob.TrainingException.class, () -> TrainingJob.prepare(late, round(10), 0.2, null));
        assertTrue(e.getMessage().contains("not before the round's validation window"), e.getMessage());
        Candles few = candles.slice(FROM.minusSeconds(3600 * 60), FROM);
        var f = assertThrows(TrainingJob.TrainingException.class, () -> TrainingJob.prepare(few, round(10), 0.2, null));
        assertTrue(f.getMessage().contains("supply more history"), f.getMessage());
    }

    @Test
    void theUpdateIsTheTrainedChange_broughtWithinTheBound_orClippedAndNoisedForDp() {
        TrainingJob.Prepared p = TrainingJob.prepare(candles, round(10), 0.2, null);
        ModelParameters base = ModelParameters.genesis(T);
        LocalTrainer.Options o = new LocalTrainer.Options(1, 64, 3e-3f, 1, 5);
        String trader = "0x" + "ab".repeat(20);

        TrainingJob.Outcome loose = TrainingJob.train(base, round(1000), p, o, null, null, trader, null);
        ModelUpdate u = loose.update();
        assertNull(loose.adjustment());
        assertEquals(p.training().size(), u.sampleCount());
        assertEquals(p.dataEnd(), u.dataEnd());
        assertEquals(T.id(), u.templateId());
        float[] want = loose.training().best().values();
        float[] flat = io.conflux.model.Tensor.flatten(u.tensors());
        for (int i = 0; i < want.length; i++) assertEquals(want[i] - base.values()[i], flat[i], 1e-7f);

        double bound = loose.trainedNorm() / 4;
        TrainingJob.Outcome tight = TrainingJob.train(base, round(bound), p, o, null, null, trader, null);
        assertNotNull(tight.adjustment());
        assertTrue(tight.uploadNorm() <= bound && tight.uploadNorm() > 0.99 * bound, tight.uploadNorm() + " vs " + bound);

        DifferentialPrivacy.Params dp = new DifferentialPrivacy.Params(0.05, 0.5);
        TrainingJob.Outcome noisy = TrainingJob.train(base, round(10), p, o, dp, new SplittableRandom(3), trader, null);
        double expectedNoise = 0.5 * 0.05 * Math.sqrt(T.parameterCount());
        assertEquals(expectedNoise, noisy.privacy().noiseNorm(), expectedNoise * 0.05);
        assertTrue(noisy.uploadNorm() <= 0.05 + noisy.privacy().noiseNorm() + 1e-6);

        var small = assertThrows(TrainingJob.TrainingException.class,
                () -> TrainingJob.train(base, round(0.3), p, o, new DifferentialPrivacy.Params(0.2, 2), new SplittableRandom(3), trader, null));
        assertTrue(small.getMessage().contains("lower --dp-clip"), small.getMessage());
        assertThrows(TrainingJob.TrainingException.class,
                () -> TrainingJob.train(base, round(0.1), p, o, new DifferentialPrivacy.Params(0.2, 1), new SplittableRandom(3), trader, null));
    }
}
