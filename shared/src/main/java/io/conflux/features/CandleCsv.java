package io.conflux.features;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The CSV reader behind {@link Candles#readCsv}. Rules, each chosen so that a bad file fails loudly at the
 * line that is wrong rather than quietly training a model on it:
 * <ul>
 *   <li>A header is required and must name {@code timestamp, open, high, low, close, volume} (any order, any
 *       case; further columns are ignored). Every data line has exactly as many values as the header.</li>
 *   <li>Timestamps are ISO-8601 instants ({@code 2017-08-17T04:00:00Z}, an explicit offset is accepted) or
 *       epoch milliseconds. A bare number below 10^11 is refused: it is almost surely epoch seconds, which
 *       read as milliseconds would land in 1970.</li>
 *   <li>Numbers are plain decimals; {@code NaN}, {@code Infinity}, hex and Java suffixes are refused.</li>
 *   <li>Blank lines are skipped. Rows out of time order are sorted; a row that repeats an earlier candle exactly
 *       is dropped; two different rows for the same time are an error naming both lines. All are counted in
 *       the {@link ReadReport}.</li>
 * </ul>
 */
final class CandleCsv {

    static final List<String> COLUMNS = List.of("timestamp", "open", "high", "low", "close", "volume");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d+");
    private static final long MIN_EPOCH_MILLIS = 100_000_000_000L; // 1973-03-03: smaller numbers are epoch seconds

    private CandleCsv() {}

    static Candles read(Reader reader, String source) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        String headerLine = in.readLine();
        if (headerLine == null || headerLine.isBlank()) {
            throw new CandleFormatException(source, 1, "header required: " + String.join(",", COLUMNS));
        }
        int[] position = header(source, headerLine);
        int width = headerLine.split(",", -1).length;

        List<Row> rows = new ArrayList<>();
        int lineNo = 1, blank = 0, outOfOrder = 0;
        Instant previous = null;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank()) {
                blank++;
                continue;
            }
            Row row = parse(source, lineNo, line, position, width);
            if (previous != null && row.candle.openTime().isBefore(previous)) outOfOrder++;
            previous = row.candle.openTime();
            rows.add(row);
        }
        if (rows.isEmpty()) throw new CandleFormatException(source, "no candles after the header");

        // Stable: rows at the same time keep file order, so the first of two duplicates is the one kept.
        rows.sort(Comparator.comparing((Row r) -> r.candle.openTime()));
        List<Row> kept = new ArrayList<>(rows.size());
        int duplicates = 0;
        for (Row r : rows) {
            Row last = kept.isEmpty() ? null : kept.get(kept.size() - 1);
            if (last != null && last.candle.openTime().equals(r.candle.openTime())) {
                if (!sameValues(last.candle, r.candle)) {
                    throw new CandleFormatException(source, last.line, r.line, "two different candles open at "
                            + r.candle.openTime() + " (" + describe(last.candle) + " vs " + describe(r.candle) + ")");
                }
                duplicates++;
                continue;
            }
            kept.add(r);
        }

        int n = kept.size();
        if (n < 2) throw new CandleFormatException(source, "only one candle: the interval cannot be inferred");
        List<Candle> candles = new ArrayList<>(n);
        int[] lines = new int[n];
        for (int i = 0; i < n; i++) {
            candles.add(kept.get(i).candle);
            lines[i] = kept.get(i).line;
        }
        return Candles.of(candles, null, source, lines, new int[] {rows.size(), outOfOrder, duplicates, blank});
    }

    private record Row(Candle candle, int line) {}

    /** Where each of {@link #COLUMNS} sits in a line. */
    private static int[] header(String source, String line) {
        String[] names = line.split(",", -1);
        if (!names[0].isEmpty() && names[0].charAt(0) == '\uFEFF') names[0] = names[0].substring(1);
        for (int i = 0; i < names.length; i++) names[i] = names[i].trim().toLowerCase(Locale.ROOT);
        if (!names[0].isEmpty() && (Character.isDigit(names[0].charAt(0)))) {
            throw new CandleFormatException(source, 1, "header required (" + String.join(",", COLUMNS)
                    + "), found a data row");
        }
        int[] position = new int[COLUMNS.size()];
        for (int c = 0; c < COLUMNS.size(); c++) {
            position[c] = -1;
            for (int i = 0; i < names.length; i++) {
                if (!names[i].equals(COLUMNS.get(c))) continue;
                if (position[c] >= 0) throw new CandleFormatException(source, 1, "header names column '" + COLUMNS.get(c) + "' twice");
                position[c] = i;
            }
            if (position[c] < 0) {
                throw new CandleFormatException(source, 1, "header lacks column '" + COLUMNS.get(c) + "' (expected "
                        + String.join(",", COLUMNS) + ", found " + String.join(",", Arrays.asList(names)) + ")");
            }
        }
        return position;
    }

    private static Row parse(String source, int lineNo, String line, int[] position, int width) {
        String[] f = line.split(",", -1);
        if (f.length < width) {
            // Name the first wanted column the line does not reach (the usual case: a truncated last column).
            int missing = -1;
            for (int c = 0; c < position.length; c++) {
                if (position[c] >= f.length && (missing < 0 || position[c] < position[missing])) missing = c;
            }
            String what = missing >= 0 ? "column '" + COLUMNS.get(missing) + "' missing"
                    : "only " + f.length + " of the header's " + width + " columns";
            throw new CandleFormatException(source, lineNo, what);
        }
        if (f.length > width) {
            throw new CandleFormatException(source, lineNo, f.length + " values, but the header names " + width + " columns");
        }
        Instant time = timestamp(source, lineNo, f[position[0]].trim());
        double[] x = new double[5];
        for (int c = 1; c < COLUMNS.size(); c++) {
            String s = f[position[c]].trim();
            if (s.isEmpty()) throw new CandleFormatException(source, lineNo, "column '" + COLUMNS.get(c) + "' empty");
            if (!DECIMAL.matcher(s).matches()) {
                throw new CandleFormatException(source, lineNo, "column '" + COLUMNS.get(c) + "' is not a number: '" + s + "'");
            }
            x[c - 1] = Double.parseDouble(s);
        }
        try {
            return new Row(new Candle(time, x[0], x[1], x[2], x[3], x[4]), lineNo);
        } catch (IllegalArgumentException e) {
            throw new CandleFormatException(source, lineNo, "inconsistent candle at " + time + ": " + e.getMessage());
        }
    }

    private static Instant timestamp(String source, int lineNo, String s) {
        if (s.isEmpty()) throw new CandleFormatException(source, lineNo, "column 'timestamp' empty");
        if (EPOCH_MILLIS.matcher(s).matches()) {
            long millis;
            try {
                millis = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new CandleFormatException(source, lineNo, "timestamp out of range: '" + s + "'");
            }
            if (millis < MIN_EPOCH_MILLIS) {
                throw new CandleFormatException(source, lineNo, "numeric timestamp " + s
                        + " is too small for epoch milliseconds (epoch seconds? multiply by 1000)");
            }
            return Instant.ofEpochMilli(millis);
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new CandleFormatException(source, lineNo, "column 'timestamp' is neither an ISO-8601 instant "
                    + "(e.g. 2017-08-17T04:00:00Z) nor epoch milliseconds: '" + s + "'");
        }
    }

    private static boolean sameValues(Candle a, Candle b) {
        return a.open() == b.open() && a.high() == b.high() && a.low() == b.low() && a.close() == b.close()
                && a.volume() == b.volume();
    }

    private static String describe(Candle c) {
        return "o=" + c.open() + " h=" + c.high() + " l=" + c.low() + " c=" + c.close() + " v=" + c.volume();
    }
}
