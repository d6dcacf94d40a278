package io.conflux.trade;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.agent.Backtest;
import io.conflux.agent.Market;
import io.conflux.features.Candles;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A published model's backtest on ONNX Runtime, and the report the command writes. */
class BacktestsTest {

    @Test
    @SuppressWarnings("unchecked")
    void theReportCarriesTheFigures_curvesEndingAtTheFinalValue_andEveryTrade() throws Exception {
        Candles candles;
        candles = io.conflux.features.TestCandles.real("btc-usdt-1h.csv").slice(Instant.parse("2020-09-01T00:00:00Z"), Instant.parse("2021-03-01T00:00:00Z"));
        ModelParameters model = ModelParameters.genesis(ModelTemplate.standard());
        Instant from = Instant.parse("2020-11-01T00:00:00Z"), to = Instant.parse("2021-03-01T00:00:00Z");
        Backtest.Result r = Backtests.run(candles, model, "genesis", from, Market.btcUsdt(), 10_000_000_000L, 10, 5, from, to);
        Map<String, Object> report = Backtests.report(r, "genesis");

        Map<String, List<Object>> curve = (Map<String, List<Object>>) report.get("curve");
        assertTrue(curve.get("value").size() <= Backtests.CURVE_POINTS + 1);
        assertEquals(r.values()[r.values().length - 1], curve.get("value").get(curve.get("value").size() - 1));
        assertEquals(report.get("finalValue"), curve.get("value").get(curve.get("value").size() - 1));
        assertEquals(r.trades().size(), ((List<?>) report.get("tradeList")).size());
        assertEquals(r.times().length, report.get("candles"));
        // every decision the model made was on a window: NO_DATA only where gaps break windows
        assertTrue(((Map<String, Integer>) report.get("reasons")).getOrDefault("NO_MODEL", 0) == 0);

        var early = assertThrows(IllegalArgumentException.class,
                () -> Backtests.run(candles, model, "genesis", to, Market.btcUsdt(), 10_000_000_000L, 10, 5, from, to));
        assertTrue(early.getMessage().contains("before the model may be used"), early.getMessage());
    }
}
