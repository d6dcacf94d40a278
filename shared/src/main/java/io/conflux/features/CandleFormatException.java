package io.conflux.features;

/**
 * Candle data that cannot be read as a series. The message names the source, the line (or lines) and the
 * reason, e.g. {@code btc.csv line 17: column 'volume' missing}, so that whoever owns the file can fix it.
 */
public final class CandleFormatException extends IllegalArgumentException {

    private final String source;
    private final int line;

    CandleFormatException(String source, int line, String reason) {
        super(source + " line " + line + ": " + reason);
        this.source = source;
        this.line = line;
    }

    CandleFormatException(String source, int line, int otherLine, String reason) {
        super(source + " lines " + Math.min(line, otherLine) + " and " + Math.max(line, otherLine) + ": " + reason);
        this.source = source;
        this.line = line;
    }

    /** For a problem of the data as a whole rather than of one line (no candles, interval not inferable). */
    CandleFormatException(String source, String reason) {
        super(source + ": " + reason);
        this.source = source;
        this.line = 0;
    }

    public String source() {
        return source;
    }

    /** The 1-based line of the file the problem was found on (the header is line 1); 0 when no single line is at fault. */
    public int line() {
        return line;
    }
}
