package io.conflux.features;

import java.time.Instant;

/**
 * Missing candles between two consecutive ones: {@code missing} intervals that opened after {@code lastBefore}
 * and before {@code firstAfter}. Gaps are reported, never filled: an invented candle would be a price that
 * nobody traded at.
 *
 * @param index the candle index of {@code firstAfter} (where the next {@link Segment} starts)
 */
public record Gap(Instant lastBefore, Instant firstAfter, long missing, int index) {}
