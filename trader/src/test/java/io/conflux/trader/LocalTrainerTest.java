package io.conflux.trader;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.features.Candles;
import io.conflux.features.Dataset;
import io.conflux.features.FeatureSet;
import io.conflux.features.Labels;
import io.conflux.features.Normalizer;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Local training on real hourly candles (the shipped BTC-USDT data): it learns, reproducibly, from the base model. */
class LocalTrainerTest {
    private static final ModelTemplate T = new ModelTemplate(12, 24, 16, 3);
    private static Dataset train;
    private static Dataset validation;

    @BeforeAll
    static void data() throws Exception {
        Candles all;
        all = io.conflux.features.TestCandles.real("btc-usdt-1h.csv");
        Candles quarter = all.slice(Instant.parse("2020-10-01T00:00:00Z"), Instant.parse("2021-01-01T00:00:00Z"));
        List<Dataset> parts = Dataset.of(FeatureSet.standard().compute(quarter), Labels.nextCandle(quarter), T).split(0.8, 0.2);
        Normalizer n = Normalizer.fit(parts.get(0)); // fitted on the training split only
        train = parts.get(0).normalized(n);
        validation = parts.get(1).normalized(n);
    }

    @Test
    void training_lowersTheLoss_isReproducible_andReturnsTheBestValidationEpoch() {
        ModelParameters base = ModelParameters.genesis(T);
        LocalTrainer.Options o = new LocalTrainer.Options(4, 64, 3e-3f, 10, 11);
        List<LocalTrainer.Epoch> seen = new ArrayList<>();
        LocalTrainer.Result a = LocalTrainer.train(base, train, validation, o, (e, of) -> seen.add(e));
        LocalTrainer.Result b = LocalTrainer.train(base, train, validation, o, null);

        assertEquals(4, seen.size());
        assertEquals(a.history(), seen);
        assertTrue(a.history().get(3).loss() < a.history().get(0).loss(), "training loss falls: " + a.history());
        assertEquals(a.best().hash(), b.best().hash(), "same seed, same data, same base: same parameters");

        int argmin = 0;
        for (int i = 1; i < a.history().size(); i++) if (a.history().get(i).validationLoss() < a.history().get(argmin).validationLoss()) argmin = i;
        assertEquals(argmin + 1, a.bestEpoch());
        try (LstmNetwork net = LstmNetwork.of(a.best())) {
            double[] val = LocalTrainer.evaluate(net, validation.inputs(), validation.labels(), T);
            assertEquals(a.history().get(argmin).validationLoss(), val[0], 1e-6, "the result is that epoch's parameters");
        }
        assertFalse(a.best().hash().equals(base.hash()));
    }

    @Test
    void training_startsFromTheBaseModel() {
        // a base far from genesis: a vanishing learning rate must leave it where it is
        ModelParameters g = ModelParameters.genesis(T);
        float[] delta = new float[g.values().length];
        for (int i = 0; i < delta.length; i++) delta[i] = (i % 7 - 3) * 0.01f;
        ModelParameters base = g.plus(delta);
        LocalTrainer.Result r = LocalTrainer.train(base, train, validation, new LocalTrainer.Options(1, 256, 1e-12f, 1, 1), null);
        float[] got = r.best().values(), want = base.values();
        double worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
        assertTrue(worst < 1e-6, "moved " + worst + " from the base");
    }
}
