package io.conflux.trade;

import io.conflux.agent.Backtest;
import io.conflux.agent.Market;
import io.conflux.agent.RiskLimits;
import io.conflux.features.Candles;
import io.conflux.model.ModelParameters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A backtest of one published model on ONNX Runtime, and its report (figures, the equity curves for plots, the trades with their rationale). */
public final class Backtests {
    /** Points of each curve in a report: enough for a plot, small enough to read. */
    public static final int CURVE_POINTS = 1000;

    private Backtests() {}

    /**
     * @param usableFrom the first candle the model may decide on (its round's validation start: every trader's data ended before it)
     */
    public static Backtest.Result run(Candles candles, ModelParameters model, String modelId, Instant usableFrom, Market market, long initialCash,
                                      double feeBps, double slippageBps, Instant from, Instant to) {
        if (from.isBefore(usableFrom)) {
            throw new IllegalArgumentException("the backtest starts " + from + ", before the model may be used (" + usableFrom
                    + "): it would trade on data the model may have trained on");
        }
        // one model judged over the whole period: it does not go stale inside it
        RiskLimits limits = RiskLimits.defaults(market).withMaxModelAge(Duration.between(usableFrom, to).plusDays(1));
        try (OnnxPredictor p = new OnnxPredictor(model.template(), model.toOnnx())) {
            return Backtest.run(candles, List.of(new Backtest.Model(modelId, usableFrom, p)),
                    new Backtest.Config(market, initialCash, limits, feeBps, slippageBps, from, to, model.template()));
        }
    }

    /** The result as a JSON-ready map: the figures, the curves (at most {@link #CURVE_POINTS} points each) and every trade. */
    public static Map<String, Object> report(Backtest.Result r, String modelId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelId);
        m.putAll(r.toMap());
        int n = r.values().length, step = Math.max(1, (n + CURVE_POINTS - 1) / CURVE_POINTS);
        List<String> times = new ArrayList<>();
        List<Long> values = new ArrayList<>(), hold = new ArrayList<>();
        for (int i = 0; i < n; i += step) {
            times.add(r.times()[i].toString());
            values.add(r.values()[i]);
            hold.add(r.holdValues()[i]);
        }
        if ((n - 1) % step != 0) {
            times.add(r.times()[n - 1].toString());
            values.add(r.values()[n - 1]);
            hold.add(r.holdValues()[n - 1]);
        }
        m.put("curve", Map.of("time", times, "value", values, "buyAndHold", hold));
        List<Map<String, Object>> trades = new ArrayList<>();
        for (Backtest.Trade t : r.trades()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("decidedAt", t.decision().at().toString());
            e.put("filledAt", t.fill().at().toString());
            e.put("side", t.fill().buy() ? "BUY" : "SELL");
            e.put("quantity", Math.abs(t.fill().quantity()));
            e.put("price", t.fill().price());
            e.put("notional", t.fill().notional());
            e.put("fee", t.fill().fee());
            e.put("realizedPnl", t.realizedPnl());
            e.put("reasons", t.decision().reasons().stream().map(Enum::name).toList());
            e.put("rationale", t.decision().rationale());
            trades.add(e);
        }
        m.put("tradeList", trades);
        return m;
    }
}
