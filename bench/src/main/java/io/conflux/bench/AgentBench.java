package io.conflux.bench;

import io.conflux.agent.Backtest;
import io.conflux.agent.Market;
import io.conflux.agent.Portfolio;
import io.conflux.agent.RiskLimits;
import io.conflux.agent.RiskState;
import io.conflux.agent.TradingPolicy;
import io.conflux.features.Candles;
import io.conflux.features.FeatureMatrix;
import io.conflux.features.FeatureSet;
import io.conflux.features.Normalizer;
import io.conflux.features.Windows;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.trade.Backtests;
import io.conflux.trade.OnnxPredictor;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The agent: a warm tick (features over the candles one window needs, one inference, the decision) and a
 * backtest over all 35,989 shipped hourly candles (features, batched inference, policy, paper fills).
 */
final class AgentBench {
    private AgentBench() {}

    static void run(int runs) throws Exception {
        Candles all;
        all = io.conflux.features.TestCandles.real("btc-usdt-1h.csv");
        ModelTemplate t = ModelTemplate.standard();
        ModelParameters model = ModelParameters.genesis(t);
        Market market = Market.btcUsdt();
        System.out.printf("agent: %,d hourly candles, template %s, %d cores%n", all.size(), t.id(), Runtime.getRuntime().availableProcessors());

        // a warm tick: the candles one window needs, features, normalization, one inference, the decision
        FeatureSet fs = FeatureSet.standard();
        int need = fs.candlesNeeded(t.window());
        Candles recent = all.slice(all.openTime(all.size() - need - 40), all.openTime(all.size() - 1).plusSeconds(1));
        Normalizer normalizer = Normalizer.fit(fs.compute(all.slice(all.openTime(0), Instant.parse("2021-01-01T00:00:00Z"))), 0, 1000);
        TradingPolicy policy = new TradingPolicy(RiskLimits.defaults(market), 10);
        Portfolio book = Portfolio.ofCash(market, 10_000_000_000L);
        try (OnnxPredictor p = new OnnxPredictor(t, model.toOnnx())) {
            double[] ms = new double[Math.max(runs, 1) * 50];
            for (int w = 0; w < 200; w++) tick(fs, recent, normalizer, p, policy, book, t); // warm-up
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                tick(fs, recent, normalizer, p, policy, book, t);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf("  warm tick (%d candles -> features -> 1 inference -> decision): median %.2f ms, p95 %.2f ms  [target <= 5 ms]%n", recent.size(),
                    Stats.percentile(ms, 50), Stats.percentile(ms, 95));

            // the parts of a backtest over every candle
            long f0 = System.nanoTime();
            FeatureMatrix m = fs.compute(all);
            double featureMs = (System.nanoTime() - f0) / 1e6;
            int[] rows = Windows.endRows(m, t.window());
            int per = t.window() * t.features();
            System.out.printf("  features for all candles %.0f ms%n", featureMs);
            for (int batch : new int[] {512, 2048, 8192}) {
                float[] buf = new float[batch * per];
                long i0 = System.nanoTime();
                for (int from = 0; from < rows.length; from += batch) {
                    int count = Math.min(batch, rows.length - from);
                    for (int k = 0; k < count; k++) Windows.copy(m, rows[from + k], t.window(), buf, k * per);
                    p.probabilities(count == batch ? buf : Arrays.copyOf(buf, count * per), count);
                }
                double inferMs = (System.nanoTime() - i0) / 1e6;
                System.out.printf("  ONNX Runtime on %,d windows in batches of %,d: %.0f ms (%,.0f windows/s)%n", rows.length, batch, inferMs, rows.length / (inferMs / 1e3));
            }
        }
        for (int r = 0; r < runs; r++) {
            long b0 = System.nanoTime();
            Backtest.Result res = Backtests.run(all, model, "genesis", all.openTime(0), market, 10_000_000_000L, 10, 5,
                    Instant.parse("2017-10-01T00:00:00Z"), all.openTime(all.size() - 1).plus(Duration.ofHours(1)));
            double s = (System.nanoTime() - b0) / 1e9;
            System.out.printf("  backtest of all %,d candles (features, inference, policy, fills; %,d traded): %.2f s = %,.0f candles/s  [target >= 125,000]%n",
                    all.size(), res.values().length, s, all.size() / s);
        }
    }

    private static void tick(FeatureSet fs, Candles recent, Normalizer n, OnnxPredictor p, TradingPolicy policy, Portfolio book, ModelTemplate t) {
        FeatureMatrix m = n.apply(fs.compute(recent));
        int row = Windows.latestEndRow(m, t.window()).orElseThrow();
        float[] probs = p.probabilities(Windows.window(m, row, t.window()), 1);
        double price = recent.close(recent.size() - 1);
        policy.decide(new TradingPolicy.Situation(recent.openTime(recent.size() - 1), price, probs, book, RiskState.start(book.value(price)), Duration.ofHours(1)));
    }
}
