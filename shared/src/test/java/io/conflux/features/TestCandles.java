package io.conflux.features;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Real candles from the test resources, and made-up ones for hand-checkable cases. */
public final class TestCandles {

    static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);

    private TestCandles() {}

    /** {@code btc-usdt-1h.csv} (Binance, 35,989 hours, 27 outages) or {@code btc-usd-1d.csv} (Bitstamp, zero-volume days). */
    public static Candles real(String file) {
        // read as a stream: other modules' tests and the benchmarks find it inside the test jar
        try (var in = TestCandles.class.getResourceAsStream("/market/" + file)) {
            if (in == null) throw new IllegalStateException("no test resource /market/" + file);
            return Candles.readCsv(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8), file.replace(".csv", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Candles csv(String text) {
        try {
            return Candles.readCsv(new StringReader(text), "test.csv");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A random walk with ~1% moves, realistic wicks and volumes, one candle per hour from {@link #T0}. */
    static List<Candle> randomWalk(int n, long seed) {
        Random rnd = new Random(seed);
        List<Candle> out = new ArrayList<>(n);
        double price = 100;
        for (int i = 0; i < n; i++) out.add(randomCandle(rnd, T0.plus(HOUR.multipliedBy(i)), price));
        return out;
    }

    /** A valid candle opening near {@code previousClose}. */
    static Candle randomCandle(Random rnd, Instant time, double previousClose) {
        double open = previousClose * Math.exp(rnd.nextGaussian() * 0.002);
        double close = open * Math.exp(rnd.nextGaussian() * 0.01);
        double high = Math.max(open, close) * (1 + rnd.nextDouble() * 0.006);
        double low = Math.min(open, close) * (1 - rnd.nextDouble() * 0.006);
        return new Candle(time, open, high, low, close, rnd.nextDouble() * 50);
    }

    /** Candles continuing {@code candles}' clock with {@code n} flat, zero-volume candles at {@code price} (a halted market). */
    static List<Candle> halted(Instant from, int n, double price) {
        List<Candle> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(new Candle(from.plus(HOUR.multipliedBy(i)), price, price, price, price, 0));
        return out;
    }

    static List<Candle> shift(List<Candle> candles, Duration by) {
        return candles.stream().map(c -> new Candle(c.openTime().plus(by), c.open(), c.high(), c.low(), c.close(), c.volume())).toList();
    }
}
