package io.conflux.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Performance of an equity curve (the book's value at each candle's close): returns, risk-adjusted returns
 * (risk-free rate 0, annualized by the candle interval), drawdown. Pure arithmetic on the series.
 */
public record BacktestMetrics(double totalReturn, double cagr, double sharpe, double sortino, double maxDrawdown, double volatility) {

    /** @param values the value at each candle's close, the first one the starting value */
    public static BacktestMetrics of(long[] values, int from, int to, Instant start, Instant end, Duration interval) {
        if (to - from < 2) return new BacktestMetrics(0, 0, 0, 0, 0, 0);
        double periodsPerYear = Duration.ofDays(365).plusHours(6).toSeconds() / (double) interval.toSeconds();
        int n = to - from - 1;
        double sum = 0, sumSq = 0, downSq = 0, peak = values[from], mdd = 0;
        for (int i = from + 1; i < to; i++) {
            double r = (double) values[i] / values[i - 1] - 1;
            sum += r;
            sumSq += r * r;
            if (r < 0) downSq += r * r;
            peak = Math.max(peak, values[i]);
            mdd = Math.max(mdd, 1 - values[i] / peak);
        }
        double mean = sum / n;
        double sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
        double down = Math.sqrt(downSq / n);
        double total = (double) values[to - 1] / values[from] - 1;
        double years = Duration.between(start, end).toSeconds() / (365.25 * 86400);
        double cagr = years > 0 ? Math.pow(1 + total, 1 / years) - 1 : 0;
        double annual = Math.sqrt(periodsPerYear);
        return new BacktestMetrics(total, cagr, sd == 0 ? 0 : mean / sd * annual, down == 0 ? 0 : mean / down * annual, mdd, sd * annual);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("totalReturn", totalReturn);
        m.put("cagr", cagr);
        m.put("sharpe", sharpe);
        m.put("sortino", sortino);
        m.put("maxDrawdown", maxDrawdown);
        m.put("volatility", volatility);
        return m;
    }
}
