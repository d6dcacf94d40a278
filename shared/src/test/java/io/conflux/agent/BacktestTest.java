package io.conflux.agent;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.agent.Decision.Reason;
import io.conflux.features.Candle;
import io.conflux.features.Candles;
import io.conflux.model.ModelTemplate;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The backtester on the shipped BTC-USDT hourly candles, with predictors whose behaviour is known. */
class BacktestTest {
    private static final Market M = Market.btcUsdt();
    private static final ModelTemplate T = ModelTemplate.standard();
    private static final Instant FROM = Instant.parse("2021-05-10T00:00:00Z"), TO = Instant.parse("2021-06-01T00:00:00Z");
    private static final long CASH = 10_000_000_000L;
    private static Candles candles;

    @BeforeAll
    static void data() throws Exception {
        candles = io.conflux.features.TestCandles.real("btc-usdt-1h.csv").slice(Instant.parse("2021-03-01T00:00:00Z"), Instant.parse("2021-07-01T00:00:00Z"));
    }

    private static Backtest.Config config(RiskLimits limits) {
        return new Backtest.Config(M, CASH, limits, 10, 5, FROM, TO, T);
    }

    /** A "model" that always says the same. */
    private static Predictor always(float... p) {
        return (windows, count) -> {
            float[] out = new float[count * 3];
            for (int i = 0; i < count; i++) System.arraycopy(p, 0, out, i * 3, 3);
            return out;
        };
    }

    /** Up when the window's last row's first feature is positive: a function of the window only. */
    private static final Predictor MOMENTUM = (windows, count) -> {
        int per = T.window() * T.features();
        float[] out = new float[count * 3];
        for (int i = 0; i < count; i++) {
            boolean up = windows[i * per + (T.window() - 1) * T.features()] > 0;
            out[i * 3] = up ? 0.1f : 0.6f;
            out[i * 3 + 1] = 0.3f;
            out[i * 3 + 2] = up ? 0.6f : 0.1f;
        }
        return out;
    };

    @Test
    void theBooksAddUp_fillsHappenAtTheNextOpen_andTheValueIsTheCashPlusThePositionAtTheClose() {
        Backtest.Result r = Backtest.run(candles, List.of(new Backtest.Model("momentum", FROM, MOMENTUM)), config(RiskLimits.defaults(M)));
        assertTrue(r.trades().size() > 10, "trades: " + r.trades().size());
        long cash = CASH, qty = 0;
        for (Backtest.Trade t : r.trades()) {
            Fill f = t.fill();
            int next = candles.indexAtOrAfter(t.decision().at());
            assertEquals(candles.openTime(next), f.at(), "filled at the open of the candle after the decision");
            assertEquals(candles.get(next).open() * (f.buy() ? 1.0005 : 0.9995), f.price(), 1e-6);
            cash += f.cashDelta();
            qty += f.quantity();
            assertFalse(t.decision().rationale().isEmpty());
        }
        assertEquals(cash, r.book().cash());
        assertEquals(qty, r.book().position());
        double lastClose = candles.close(candles.indexAtOrAfter(TO) - 1);
        assertEquals(cash + M.notional(qty, lastClose, RoundingMode.FLOOR), r.values()[r.values().length - 1]);
        assertEquals(CASH, r.book().cash() + r.book().costBasis() - r.book().realizedPnl(), "value conserved in the books");
        assertEquals(candles.indexAtOrAfter(TO) - candles.indexAtOrAfter(FROM), r.values().length);
    }

    @Test
    void aModelThatNeverLeansUp_neverTrades_andBuyAndHoldIsTheMarket() {
        Backtest.Result r = Backtest.run(candles, List.of(new Backtest.Model("bear", FROM, always(0.6f, 0.3f, 0.1f))), config(RiskLimits.defaults(M)));
        assertEquals(0, r.trades().size());
        for (long v : r.values()) assertEquals(CASH, v);
        assertEquals(0, r.strategy().totalReturn());
        assertEquals(0, r.exposure());
        int a = candles.indexAtOrAfter(FROM), b = candles.indexAtOrAfter(TO);
        double market = candles.close(b - 1) / candles.get(a).open() - 1;
        assertEquals(market, r.buyAndHold().totalReturn(), 0.002, "buy and hold follows the market, less fee and slippage");
    }

    @Test
    void walkForward_noModelDecidesBeforeItIsUsable_andTheNewestUsableOneDecides() {
        Instant second = Instant.parse("2021-05-20T00:00:00Z");
        Instant first = Instant.parse("2021-05-15T00:00:00Z");
        Backtest.Result r = Backtest.run(candles, List.of(new Backtest.Model("later", second, always(0.1f, 0.2f, 0.7f)),
                new Backtest.Model("earlier", first, always(0.6f, 0.3f, 0.1f))), config(RiskLimits.defaults(M)));
        for (Backtest.Trade t : r.trades()) assertFalse(t.decision().at().isBefore(second), "only the bullish later model buys: " + t.decision().at());
        assertFalse(r.trades().isEmpty());
        long hoursBeforeFirst = Duration.between(FROM, first).toHours();
        assertEquals((int) hoursBeforeFirst, r.reasons().get(Reason.NO_MODEL));
        assertEquals((int) Duration.between(first, second).toHours(), r.decidedBy().get("earlier"));
    }

    @Test
    void noLookAhead_changingLaterCandlesChangesNoEarlierDecision() {
        Instant cut = Instant.parse("2021-05-22T00:00:00Z");
        List<Candle> altered = new ArrayList<>();
        for (Candle c : candles.toList()) {
            altered.add(c.openTime().isBefore(cut) ? c : new Candle(c.openTime(), c.open() * 0.5, c.high() * 0.5, c.low() * 0.5, c.close() * 0.5, c.volume() * 3));
        }
        RiskLimits limits = RiskLimits.defaults(M);
        Backtest.Result a = Backtest.run(candles, List.of(new Backtest.Model("m", FROM, MOMENTUM)), config(limits));
        Backtest.Result b = Backtest.run(Candles.of(altered, candles.interval()), List.of(new Backtest.Model("m", FROM, MOMENTUM)), config(limits));
        List<Backtest.Trade> before = a.trades().stream().filter(t -> t.decision().at().isBefore(cut.minusSeconds(3600))).toList();
        assertFalse(before.isEmpty());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).decision().quantity(), b.trades().get(i).decision().quantity());
            assertEquals(before.get(i).fill(), b.trades().get(i).fill());
        }
    }

    @Test
    void stressWindowsAreReportedWhereTheDataCoversThem() {
        Backtest.Result r = Backtest.run(candles, List.of(new Backtest.Model("m", FROM, MOMENTUM)), config(RiskLimits.defaults(M)));
        Backtest.StressResult may = r.stress().stream().filter(s -> s.stress().name().startsWith("2021-05-19")).findFirst().orElseThrow();
        assertTrue(may.covered());
        assertTrue(may.buyAndHold().maxDrawdown() > 0.1, "BTC fell hard on 2021-05-19: " + may.buyAndHold().maxDrawdown());
        assertFalse(r.stress().stream().filter(s -> s.stress().name().startsWith("2022-06")).findFirst().orElseThrow().covered());
        assertNotNull(r.toMap().get("strategy"));
    }

    @Test
    void metricsFromAHandComputedSeries() {
        long[] v = {100, 110, 99, 108};
        BacktestMetrics m = BacktestMetrics.of(v, 0, 4, Instant.EPOCH, Instant.EPOCH.plus(Duration.ofDays(365).plusHours(6)), Duration.ofDays(1));
        assertEquals(0.08, m.totalReturn(), 1e-12);
        assertEquals(0.08, m.cagr(), 1e-9, "one year");
        assertEquals(0.1, m.maxDrawdown(), 1e-12); // 110 -> 99
        double[] r = {0.1, -0.1, 108.0 / 99 - 1};
        double mean = (r[0] + r[1] + r[2]) / 3, var = (r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) / 3 - mean * mean;
        assertEquals(mean / Math.sqrt(var) * Math.sqrt(365.25), m.sharpe(), 1e-9);
        assertEquals(mean / Math.sqrt(0.01 / 3) * Math.sqrt(365.25), m.sortino(), 1e-9);
    }
}
