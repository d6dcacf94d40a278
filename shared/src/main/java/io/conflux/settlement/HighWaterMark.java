package io.conflux.settlement;

/**
 * Profit over a high-water mark: an epoch earns only what lifts the book above the highest value it was already
 * settled at, so nothing is paid (and no fee is taken) while earlier losses are being recovered, and no gain is
 * paid twice.
 *
 * @param equity    the book's value at the epoch's end (all markets, quote base units)
 * @param markBefore the high-water mark after the previous epoch (initially the starting capital)
 * @param markAfter  {@code max(markBefore, equity)}
 * @param profit     {@code max(0, equity - markBefore)}
 */
public record HighWaterMark(long equity, long markBefore, long markAfter, long profit) {

    public static HighWaterMark after(long markBefore, long equity) {
        if (markBefore < 0 || equity < 0) throw new IllegalArgumentException("values are never negative: mark " + markBefore + ", equity " + equity);
        return new HighWaterMark(equity, markBefore, Math.max(markBefore, equity), Math.max(0, Math.subtractExact(equity, markBefore)));
    }
}
