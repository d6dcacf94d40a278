package io.conflux.features;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, time-ordered series of candles of one interval, with its gaps reported and its gap-free
 * {@link Segment}s listed.
 *
 * <p>The series is never repaired by invention: missing candles stay missing (see {@link #gaps()}); consumers
 * work per segment so that nothing computed here spans an exchange outage. Timestamps must sit on the grid of
 * the interval: two candles closer than one interval, or a spacing that is not a whole number of intervals,
 * are refused, since no choice between them would be honest.
 *
 * <p>Read files with {@link #readCsv(Path)} (format and messy-data handling: {@code shared/docs/features.md}).
 */
public final class Candles {

    private final String source;
    private final Instant[] times;
    private final double[] open;
    private final double[] high;
    private final double[] low;
    private final double[] close;
    private final double[] volume;
    private final Duration interval;
    private final List<Gap> gaps;
    private final List<Segment> segments;
    private final ReadReport report;

    /**
     * @param lines the file line of each candle, to name in errors; null for candles that came from no file
     * @param counts dataLines, outOfOrder, duplicatesDropped, blankLines as found by the reader (null: none)
     */
    Candles(String source, Instant[] times, double[] open, double[] high, double[] low, double[] close, double[] volume,
            Duration interval, int[] lines, int[] counts) {
        this.source = source;
        this.times = times;
        this.open = open;
        this.high = high;
        this.low = low;
        this.close = close;
        this.volume = volume;
        if (interval == null) interval = inferInterval(source, times);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(source + ": the interval must be positive, was " + interval);
        }
        this.interval = interval;
        List<Gap> foundGaps = new ArrayList<>();
        List<Segment> foundSegments = new ArrayList<>();
        long step = interval.toNanos();
        int segmentStart = 0;
        long missing = 0;
        for (int i = 1; i < times.length; i++) {
            long spacing = Duration.between(times[i - 1], times[i]).toNanos();
            if (spacing <= 0 || spacing % step != 0) {
                String reason = spacing <= 0
                        ? "candle at " + times[i] + " does not come after the one at " + times[i - 1] + " (need time order, no duplicates)"
                        : "candle at " + times[i] + " is " + Duration.ofNanos(spacing) + " after the one at " + times[i - 1]
                                + ", not a whole number of the interval " + interval;
                if (lines != null) throw new CandleFormatException(source, lines[i - 1], lines[i], reason);
                throw new IllegalArgumentException(source + ": " + reason + " (indices " + (i - 1) + " and " + i + ")");
            }
            if (spacing != step) {
                foundGaps.add(new Gap(times[i - 1], times[i], spacing / step - 1, i));
                missing += spacing / step - 1;
                foundSegments.add(new Segment(segmentStart, i));
                segmentStart = i;
            }
        }
        if (times.length > 0) foundSegments.add(new Segment(segmentStart, times.length));
        this.gaps = List.copyOf(foundGaps);
        this.segments = List.copyOf(foundSegments);
        int zeroVolume = 0;
        for (double v : volume) if (v == 0) zeroVolume++;
        int[] c = counts == null ? new int[] {times.length, 0, 0, 0} : counts;
        this.report = new ReadReport(source, c[0], times.length, c[1], c[2], c[3], zeroVolume, gaps.size(), missing);
    }

    /** Reads a {@code timestamp,open,high,low,close,volume} file (UTF-8); the file name is the source named in errors. */
    public static Candles readCsv(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return readCsv(r, file.getFileName().toString());
        }
    }

    /** Reads candles in CSV form; {@code sourceName} is what error messages and the report call the data. */
    public static Candles readCsv(Reader reader, String sourceName) throws IOException {
        return CandleCsv.read(reader, sourceName);
    }

    /** Candles already in time order, without duplicates; the interval is the most common spacing (needs two candles). */
    public static Candles of(List<Candle> candles) {
        return of(candles, null, "candles");
    }

    /** Candles already in time order, without duplicates, of a known interval (any number of candles). */
    public static Candles of(List<Candle> candles, Duration interval) {
        return of(candles, Objects.requireNonNull(interval, "interval"), "candles");
    }

    private static Candles of(List<Candle> candles, Duration interval, String source) {
        return of(candles, interval, source, null, null);
    }

    /** Columns from candles; {@code lines} and {@code counts} as the constructor takes them (a reader's, or null). */
    static Candles of(List<Candle> candles, Duration interval, String source, int[] lines, int[] counts) {
        int n = candles.size();
        Instant[] t = new Instant[n];
        double[] o = new double[n], h = new double[n], l = new double[n], c = new double[n], v = new double[n];
        for (int i = 0; i < n; i++) {
            Candle k = candles.get(i);
            t[i] = k.openTime();
            o[i] = k.open();
            h[i] = k.high();
            l[i] = k.low();
            c[i] = k.close();
            v[i] = k.volume();
        }
        return new Candles(source, t, o, h, l, c, v, interval, lines, counts);
    }

    /** The most common spacing between consecutive candles; a tie goes to the shorter spacing. */
    static Duration inferInterval(String source, Instant[] times) {
        if (times.length < 2) {
            throw new CandleFormatException(source, "cannot infer the candle interval from " + times.length
                    + " candle(s); give the interval explicitly");
        }
        Map<Duration, Integer> counts = new HashMap<>();
        for (int i = 1; i < times.length; i++) counts.merge(Duration.between(times[i - 1], times[i]), 1, Integer::sum);
        Duration best = null;
        int bestCount = 0;
        for (Map.Entry<Duration, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    /** The candles that opened in {@code [from, to)}, with this series' interval; gaps and segments recomputed. */
    public Candles slice(Instant from, Instant to) {
        int a = indexAtOrAfter(from);
        int b = Math.max(a, indexAtOrAfter(to));
        return new Candles(source + "[" + from + ", " + to + ")", Arrays.copyOfRange(times, a, b),
                Arrays.copyOfRange(open, a, b), Arrays.copyOfRange(high, a, b), Arrays.copyOfRange(low, a, b),
                Arrays.copyOfRange(close, a, b), Arrays.copyOfRange(volume, a, b), interval, null, null);
    }

    /** The index of the first candle that opened at or after {@code time}; {@link #size()} if none. */
    public int indexAtOrAfter(Instant time) {
        int i = Arrays.binarySearch(times, time);
        return i >= 0 ? i : -i - 1;
    }

    public int size() {
        return times.length;
    }

    public Candle get(int i) {
        return new Candle(times[i], open[i], high[i], low[i], close[i], volume[i]);
    }

    public List<Candle> toList() {
        List<Candle> out = new ArrayList<>(times.length);
        for (int i = 0; i < times.length; i++) out.add(get(i));
        return out;
    }

    public Instant openTime(int i) {
        return times[i];
    }

    public double close(int i) {
        return close[i];
    }

    public Duration interval() {
        return interval;
    }

    /** Gaps between consecutive candles, in time order. */
    public List<Gap> gaps() {
        return gaps;
    }

    /** Gap-free runs of candles, in time order, covering every candle exactly once. */
    public List<Segment> segments() {
        return segments;
    }

    /** The segment holding a candle. */
    public Segment segmentOf(int candleIndex) {
        Objects.checkIndex(candleIndex, times.length);
        int lo = 0, hi = segments.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (segments.get(mid).from() <= candleIndex) lo = mid; else hi = mid - 1;
        }
        return segments.get(lo);
    }

    public String source() {
        return source;
    }

    public ReadReport report() {
        return report;
    }

    // Arrays for the feature code in this package; never handed out.
    double[] openArray() { return open; }
    double[] highArray() { return high; }
    double[] lowArray() { return low; }
    double[] closeArray() { return close; }
    double[] volumeArray() { return volume; }

    @Override
    public String toString() {
        return "Candles[" + source + ", " + times.length + " x " + interval + ", " + gaps.size() + " gaps]";
    }
}
