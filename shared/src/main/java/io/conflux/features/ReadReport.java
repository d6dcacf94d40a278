package io.conflux.features;

/**
 * What reading a candle file found and did, for the log of whoever trains on it.
 *
 * @param source            the name the file was read under
 * @param dataLines         non-blank lines after the header
 * @param candles           candles kept
 * @param outOfOrder        lines whose timestamp is earlier than the line before them (the series was sorted)
 * @param duplicatesDropped lines that repeated an earlier candle exactly (same time, same values) and were dropped
 * @param blankLines        empty lines skipped
 * @param zeroVolume        candles kept with a volume of zero
 * @param gaps              gaps between consecutive candles (not filled)
 * @param missingCandles    candles missing in those gaps, in intervals
 */
public record ReadReport(String source, int dataLines, int candles, int outOfOrder, int duplicatesDropped,
                         int blankLines, int zeroVolume, int gaps, long missingCandles) {

    @Override
    public String toString() {
        return source + ": " + candles + " candles from " + dataLines + " lines; " + outOfOrder + " out of order (sorted), "
                + duplicatesDropped + " exact duplicates dropped, " + blankLines + " blank lines, " + zeroVolume
                + " zero-volume candles kept, " + gaps + " gaps (" + missingCandles + " candles missing, not filled)";
    }
}
