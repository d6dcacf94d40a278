package io.conflux.local;

import io.conflux.features.Candles;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the demo runs, laid out on the shipped hourly candles, newest last:
 * <pre>
 *   ... trader slices ... | validation window (rounds score here) | agent period (held back: nobody trains or validates on it) | end of data
 * </pre>
 * Trader {@code i} (0-based) holds {@code historyDays} of the {@code i mod A}-th hourly series (A = the shipped
 * series: BTC and ETH), the {@code i div A}-th stretch counted back from the validation window: no two traders hold
 * the same candles, and half of them hold another asset.
 */
record DemoPlan(Options options, Instant validationFrom, Instant agentFrom, Instant agentTo, List<Slice> slices) {

    /** The agent's markets and the hourly candles each trades on (all shipped with the runtime). */
    static final Map<String, String> MARKETS = marketMap();
    /** Rounds validate on this series: the public candles of the market most traders hold. */
    static final String VALIDATION_CANDLES = "btc-usdt-1h";

    /** The demo's knobs; the defaults finish in a few minutes on two cores. */
    record Options(int traders, int rounds, int epochs, List<String> markets, int agentDays, int validationDays, int historyDays, int parallel,
                   long seed) {
        Options {
            markets = List.copyOf(markets);
            require(traders >= 1 && traders <= 40, "--traders must lie in 1..40, not " + traders);
            require(rounds >= 1 && rounds <= 20, "--rounds must lie in 1..20, not " + rounds);
            require(epochs >= 1 && epochs <= 50, "--epochs must lie in 1..50, not " + epochs);
            require(!markets.isEmpty(), "--markets names at least one market of " + MARKETS.keySet());
            for (String m : markets) require(MARKETS.containsKey(m), "--markets: no candles ship for '" + m + "'; the demo trades " + MARKETS.keySet());
            require(markets.stream().distinct().count() == markets.size(), "--markets names a market twice: " + markets);
            require(agentDays >= 1 && agentDays <= 90, "--agent-days must lie in 1..90, not " + agentDays);
            require(validationDays >= 2 && validationDays <= 90, "--validation-days must lie in 2..90, not " + validationDays);
            require(historyDays >= 14 && historyDays <= 1000, "--history-days must lie in 14..1000 (two weeks of hourly candles at least), not " + historyDays);
            require(parallel >= 1 && parallel <= 16, "--parallel must lie in 1..16, not " + parallel);
        }

        static Options defaults() {
            return new Options(5, 3, 4, List.of("BTC-USDT", "ETH-USDT"), 7, 14, 120, 2, 7);
        }
    }

    /** One trader's candles: {@code [from, to)} of {@code candles} (e.g. btc-usdt-1h). */
    record Slice(int number, String candles, Instant from, Instant to) {
        String id() {
            return "trader-" + number;
        }
    }

    /**
     * @param hourly the shipped hourly series by name (btc-usdt-1h, eth-usdt-1h), in the order traders are dealt them
     * @throws IllegalArgumentException when the options need candles the series do not have, saying which and what to change
     */
    static DemoPlan of(Options o, Map<String, Candles> hourly) {
        if (!hourly.containsKey(VALIDATION_CANDLES)) throw new IllegalArgumentException("the validation series " + VALIDATION_CANDLES + " is missing");
        Instant end = null;
        for (Candles c : hourly.values()) {
            Instant last = c.openTime(c.size() - 1).plus(c.interval()).truncatedTo(ChronoUnit.DAYS);
            end = end == null || last.isBefore(end) ? last : end;
        }
        Instant agentFrom = end.minus(Duration.ofDays(o.agentDays()));
        Instant validationFrom = agentFrom.minus(Duration.ofDays(o.validationDays()));
        List<String> series = new ArrayList<>(hourly.keySet());
        List<Slice> slices = new ArrayList<>();
        for (int i = 0; i < o.traders(); i++) {
            String name = series.get(i % series.size());
            int stretch = i / series.size();
            Instant to = validationFrom.minus(Duration.ofDays((long) stretch * o.historyDays()));
            Instant from = to.minus(Duration.ofDays(o.historyDays()));
            Instant first = hourly.get(name).openTime(0);
            if (from.isBefore(first)) {
                throw new IllegalArgumentException(String.format("trader-%d would hold %s from %s, but those candles start at %s: with %d traders "
                                + "and --history-days %d the slices reach back %d days before %s; use fewer traders or fewer history days",
                        i + 1, name, from, first, o.traders(), o.historyDays(), (long) (stretch + 1) * o.historyDays(), validationFrom));
            }
            slices.add(new Slice(i + 1, name, from, to));
        }
        return new DemoPlan(o, validationFrom, agentFrom, end, List.copyOf(slices));
    }

    /** The agent's settlement epochs: one per day of the agent period, the first starting with it. */
    int epochs() {
        return (int) Duration.between(agentFrom, agentTo).toDays();
    }

    private static Map<String, String> marketMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("BTC-USDT", "btc-usdt-1h");
        m.put("ETH-USDT", "eth-usdt-1h");
        return java.util.Collections.unmodifiableMap(m);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
