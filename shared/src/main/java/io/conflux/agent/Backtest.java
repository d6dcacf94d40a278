package io.conflux.agent;

import io.conflux.agent.Decision.Action;
import io.conflux.agent.Decision.Reason;
import io.conflux.features.Candles;
import io.conflux.features.FeatureMatrix;
import io.conflux.features.FeatureSet;
import io.conflux.features.Normalizer;
import io.conflux.features.Windows;
import io.conflux.model.ModelTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's decision path over history: the shared features, normalization fitted on the candles before
 * the period, batched inference, {@link TradingPolicy}, and {@link PaperBroker} fills at the next candle's
 * open with fees and slippage, on an exact {@link Portfolio}.
 *
 * <p>Walk-forward: each model says from when it may be used (the start of the validation window of the round
 * that made it: every trader's data ended before it). A candle is decided on by the newest model usable at its
 * open; before any model is usable the book holds cash ({@link Reason#NO_MODEL}).
 *
 * <p>At each candle: the order decided at the previous close fills at this open; the book is valued at this
 * close; the policy decides on the window ending at this candle.
 */
public final class Backtest {

    /** A model and the first candle it may decide on. */
    public record Model(String id, Instant usableFrom, Predictor predictor) {}

    /**
     * @param from the first candle traded on (there must be history before it for the features and the normalizer)
     * @param to   the end of the period (exclusive)
     */
    public record Config(Market market, long initialCash, RiskLimits limits, double feeBps, double slippageBps, Instant from, Instant to,
                         ModelTemplate template) {}

    /** A period reported apart. */
    public record Stress(String name, Instant from, Instant to) {}

    public static final List<Stress> STRESS = List.of(
            new Stress("2020-03-12 (COVID crash)", Instant.parse("2020-03-12T00:00:00Z"), Instant.parse("2020-03-13T00:00:00Z")),
            new Stress("2021-05-19 (May 2021 crash)", Instant.parse("2021-05-19T00:00:00Z"), Instant.parse("2021-05-20T00:00:00Z")),
            new Stress("2022-06 (June 2022 deleveraging)", Instant.parse("2022-06-01T00:00:00Z"), Instant.parse("2022-07-01T00:00:00Z")));

    /** A fill and the decision that asked for it, with its rationale. */
    public record Trade(Fill fill, Decision decision, long realizedPnl) {}

    public record StressResult(Stress stress, boolean covered, BacktestMetrics strategy, BacktestMetrics buyAndHold) {}

    /**
     * @param values      the book's value at each candle's close (quote units)
     * @param holdValues  buy-and-hold's value at each close: all cash into the asset at the first open, same costs
     */
    public record Result(Config config, Instant start, Instant end, Instant[] times, long[] values, long[] holdValues, List<Trade> trades,
                         Map<Reason, Integer> reasons, Map<String, Integer> decidedBy, BacktestMetrics strategy, BacktestMetrics buyAndHold,
                         double hitRate, double turnover, double exposure, List<StressResult> stress, Portfolio book) {

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("market", config.market().symbol());
            m.put("from", start.toString());
            m.put("to", end.toString());
            m.put("candles", times.length);
            m.put("initialCash", config.initialCash());
            m.put("finalValue", values.length == 0 ? config.initialCash() : values[values.length - 1]);
            m.put("feeBps", config.feeBps());
            m.put("slippageBps", config.slippageBps());
            m.put("limits", config.limits().toString());
            m.put("strategy", strategy.toMap());
            m.put("buyAndHold", buyAndHold.toMap());
            m.put("hitRate", hitRate);
            m.put("turnover", turnover);
            m.put("exposure", exposure);
            m.put("trades", trades.size());
            m.put("feesPaid", book.feesPaid());
            m.put("realizedPnl", book.realizedPnl());
            m.put("decidedBy", decidedBy);
            Map<String, Integer> why = new LinkedHashMap<>();
            reasons.forEach((k, v) -> why.put(k.name(), v));
            m.put("reasons", why);
            List<Map<String, Object>> s = new ArrayList<>();
            for (StressResult r : stress) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", r.stress().name());
                e.put("covered", r.covered());
                if (r.covered()) {
                    e.put("strategy", r.strategy().toMap());
                    e.put("buyAndHold", r.buyAndHold().toMap());
                }
                s.add(e);
            }
            m.put("stress", s);
            return m;
        }
    }

    private Backtest() {}

    /** Windows per inference call: 512 to 8,192 ran alike on ONNX Runtime here (bench agent), and 512 keeps the buffer at 1.5 MB. */
    static final int BATCH = 512;

    public static Result run(Candles candles, List<Model> models, Config c) {
        ModelTemplate t = c.template();
        FeatureMatrix raw = FeatureSet.standard().compute(candles);
        if (raw.columns() != t.features()) throw new IllegalArgumentException("template " + t.id() + " takes " + t.features() + " features, not " + raw.columns());
        int a = candles.indexAtOrAfter(c.from()), b = candles.indexAtOrAfter(c.to());
        if (b - a < 2) throw new IllegalArgumentException("fewer than two candles of " + candles.source() + " in [" + c.from() + ", " + c.to() + ")");
        int[] rowOf = new int[candles.size()];
        Arrays.fill(rowOf, -1);
        for (int r = 0; r < raw.rows(); r++) rowOf[raw.candleIndex(r)] = r;
        FeatureMatrix m = Normalizer.fitBefore(raw, candles.openTime(a)).apply(raw);
        List<Model> byTime = new ArrayList<>(models);
        byTime.sort((x, y) -> x.usableFrom().compareTo(y.usableFrom()));

        // which model decides each candle, then one batched inference per model
        int n = b - a;
        int[] modelOf = new int[n];
        float[][] probs = new float[n][];
        for (int i = 0; i < n; i++) {
            modelOf[i] = -1;
            Instant open = candles.openTime(a + i);
            for (int k = byTime.size() - 1; k >= 0; k--) {
                if (!byTime.get(k).usableFrom().isAfter(open)) {
                    modelOf[i] = k;
                    break;
                }
            }
        }
        int per = t.window() * t.features();
        for (int k = 0; k < byTime.size(); k++) {
            float[] buf = new float[BATCH * per];
            int[] idx = new int[BATCH];
            int filled = 0;
            for (int i = 0; i <= n; i++) {
                boolean flush = i == n || filled == BATCH;
                if (flush && filled > 0) {
                    float[] out = byTime.get(k).predictor().probabilities(filled == BATCH ? buf : Arrays.copyOf(buf, filled * per), filled);
                    for (int j = 0; j < filled; j++) probs[idx[j]] = Arrays.copyOfRange(out, j * t.classes(), (j + 1) * t.classes());
                    filled = 0;
                }
                if (i == n) break;
                int row = rowOf[a + i];
                if (modelOf[i] != k || row < 0 || !Windows.fits(m, row, t.window())) continue;
                Windows.copy(m, row, t.window(), buf, filled * per);
                idx[filled++] = i;
            }
        }

        TradingPolicy policy = new TradingPolicy(c.limits(), c.feeBps());
        PaperBroker broker = new PaperBroker(c.feeBps(), c.slippageBps());
        Portfolio book = Portfolio.ofCash(c.market(), c.initialCash());
        RiskState risk = RiskState.start(c.initialCash());
        Duration interval = candles.interval();
        long[] values = new long[n];
        Instant[] times = new Instant[n];
        long holdQty = 0, holdCash = c.initialCash();
        long[] holdValues = new long[n];
        List<Trade> trades = new ArrayList<>();
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        Map<String, Integer> decidedBy = new LinkedHashMap<>();
        Decision pending = null;
        Portfolio pendingBook = book;
        int sells = 0, winningSells = 0, exposed = 0;
        double valueSum = 0;
        for (int i = 0; i < n; i++) {
            int ci = a + i;
            Instant open = candles.openTime(ci);
            PaperBroker.Quote atOpen = new PaperBroker.Quote(open, candles.get(ci).open());
            if (i == 0) { // buy and hold: everything in at the first open, same costs
                long qty = c.market().quantityFor((long) Math.floor(c.initialCash() / (1 + c.feeBps() / 1e4) / (1 + c.slippageBps() / 1e4)), atOpen.price());
                if (qty > 0) {
                    Fill f = broker.fill(new Broker.Order("hold", c.market(), qty, open), atOpen);
                    holdQty = qty;
                    holdCash += f.cashDelta();
                }
            }
            if (pending != null) {
                Fill f = broker.fillWithin(new Broker.Order("bt-" + pending.at().toEpochMilli(), c.market(), pending.quantity(), pending.at()), atOpen, book);
                if (f != null) {
                    Portfolio before = book;
                    book = book.apply(f);
                    risk = risk.after(before, book, f);
                    long pnl = book.realizedPnl() - before.realizedPnl();
                    if (!f.buy()) {
                        sells++;
                        if (pnl > 0) winningSells++;
                    }
                    trades.add(new Trade(f, pending.withRationale(Rationale.of(pending, pendingBook, c.limits())), pnl));
                }
                pending = null;
            }
            double close = candles.close(ci);
            times[i] = open.plus(interval);
            values[i] = book.value(close);
            holdValues[i] = holdCash + c.market().notional(holdQty, close, java.math.RoundingMode.FLOOR);
            valueSum += values[i];
            if (book.position() > 0) exposed++;
            if (i == n - 1) break; // nothing fills after the period
            Model model = modelOf[i] < 0 ? null : byTime.get(modelOf[i]);
            TradingPolicy.Outcome o = policy.decide(new TradingPolicy.Situation(times[i], close, probs[i], book, risk,
                    model == null ? null : Duration.between(model.usableFrom(), times[i])), false);
            if (model != null && probs[i] != null) decidedBy.merge(model.id(), 1, Integer::sum);
            risk = o.risk();
            for (Reason r : o.decision().reasons()) reasons.merge(r, 1, Integer::sum);
            if (o.decision().action() != Action.HOLD) {
                pending = o.decision();
                pendingBook = book;
            }
        }
        Instant start = candles.openTime(a), end = times[n - 1];
        // the series from the starting cash: element k + 1 is the value at candle k's close
        long[] v = prefixed(c.initialCash(), values), h = prefixed(c.initialCash(), holdValues);
        BacktestMetrics strategy = BacktestMetrics.of(v, 0, n + 1, start, end, interval);
        BacktestMetrics hold = BacktestMetrics.of(h, 0, n + 1, start, end, interval);
        List<StressResult> stress = new ArrayList<>();
        for (Stress s : STRESS) {
            int from = -1, to = -1;
            for (int i = 0; i < n; i++) {
                Instant open = candles.openTime(a + i);
                if (!open.isBefore(s.from()) && open.isBefore(s.to())) {
                    if (from < 0) from = i;
                    to = i + 1;
                }
            }
            if (from < 0 || to - from < 1) {
                stress.add(new StressResult(s, false, null, null));
            } else {
                Instant sa = candles.openTime(a + from), se = times[to - 1];
                // from the value before the window's first candle to its last close
                stress.add(new StressResult(s, true, BacktestMetrics.of(v, from, to + 1, sa, se, interval), BacktestMetrics.of(h, from, to + 1, sa, se, interval)));
            }
        }
        return new Result(c, start, end, times, values, holdValues, List.copyOf(trades), reasons, decidedBy, strategy, hold,
                sells == 0 ? Double.NaN : (double) winningSells / sells, book.tradedNotional() / (valueSum / n), (double) exposed / n, stress, book);
    }

    private static long[] prefixed(long first, long[] rest) {
        long[] out = new long[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
