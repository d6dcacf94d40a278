package io.conflux.trade;

import io.conflux.agent.MarketFeed;
import io.conflux.agent.PaperBroker;
import io.conflux.features.Candle;
import io.conflux.features.Candles;
import io.conflux.platform.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Candles from an exchange's public REST endpoint in the Binance klines format
 * ({@code GET {base}/api/v3/klines?symbol=BTCUSDT&interval=1h&endTime=...&limit=...}, rows of
 * [openTime, open, high, low, close, volume, closeTime, ...] with prices as strings). Binance, Binance US and
 * several others serve it; the base URL and the interval are configuration.
 */
public final class ExchangeFeed implements MarketFeed {
    private final URI base;
    private final String interval;
    private final Duration length;
    private final HttpClient http;
    private final Duration timeout;

    /** @param interval the exchange's name for the candle length, e.g. {@code 1h}; @param length that length */
    public ExchangeFeed(URI base, String interval, Duration length, Duration timeout) {
        this.base = base;
        this.interval = interval;
        this.length = length;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** BTC-USDT -> BTCUSDT. */
    static String symbol(String market) {
        return market.replace("-", "");
    }

    @Override
    public Snapshot at(String market, Instant at, int count) throws IOException {
        // the candles that opened up to and including `at` (the last one is forming at `at`)
        URI uri = base.resolve("/api/v3/klines?symbol=" + symbol(market) + "&interval=" + interval + "&endTime=" + at.toEpochMilli() + "&limit="
                + Math.min(1000, count + 1));
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() != 200) throw new IOException("GET " + uri + " -> HTTP " + r.statusCode() + ": " + r.body());
        Object parsed = Json.parse(r.body());
        if (!(parsed instanceof List<?> rows)) throw new IOException("the klines answer is not an array");
        List<Candle> closed = new ArrayList<>();
        Optional<PaperBroker.Quote> forming = Optional.empty();
        for (Object row : rows) {
            if (!(row instanceof List<?> k) || k.size() < 6) throw new IOException("a kline row is not [openTime, open, high, low, close, volume, ...]: " + row);
            Instant open = Instant.ofEpochMilli(((Number) k.get(0)).longValue());
            if (open.equals(at)) {
                forming = Optional.of(new PaperBroker.Quote(at, num(k.get(1))));
            } else if (!open.plus(length).isAfter(at)) {
                closed.add(new Candle(open, num(k.get(1)), num(k.get(2)), num(k.get(3)), num(k.get(4)), num(k.get(5))));
            }
        }
        if (closed.size() > count) closed = closed.subList(closed.size() - count, closed.size());
        return new Snapshot(Candles.of(closed, length), forming);
    }

    private static double num(Object v) throws IOException {
        try {
            double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString());
            if (!Double.isFinite(d)) throw new NumberFormatException(v.toString());
            return d;
        } catch (NumberFormatException e) {
            throw new IOException("a kline value is not a number: " + v);
        }
    }
}
