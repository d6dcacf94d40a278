package io.conflux.features;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.Indicator;
import org.ta4j.core.indicators.helpers.ClosePriceIndicator;
import org.ta4j.core.num.DoubleNumFactory;
import org.ta4j.core.num.Num;

/**
 * One gap-free segment of candles as the feature code sees it: a ta4j {@link BarSeries} (double numbers) that
 * starts at the segment's first candle, plus plain arrays of the same candles, plus a memo so that features
 * sharing an indicator (MACD line and signal, the three ADX columns) compute it once.
 *
 * <p>Starting a fresh series at every segment is what keeps every indicator from reaching across a gap.
 */
final class SegmentSeries {

    final BarSeries bars;
    final int size;
    final double[] open;
    final double[] high;
    final double[] low;
    final double[] close;
    final double[] volume;
    private final Map<String, Object> memo = new HashMap<>();

    SegmentSeries(Candles candles, Segment segment) {
        this.size = segment.size();
        this.open = slice(candles.openArray(), segment);
        this.high = slice(candles.highArray(), segment);
        this.low = slice(candles.lowArray(), segment);
        this.close = slice(candles.closeArray(), segment);
        this.volume = slice(candles.volumeArray(), segment);
        this.bars = new BaseBarSeriesBuilder().withNumFactory(DoubleNumFactory.getInstance())
                .withName(candles.source() + "#" + segment.from()).build();
        Duration interval = candles.interval();
        for (int i = 0; i < size; i++) {
            bars.barBuilder().timePeriod(interval).endTime(candles.openTime(segment.from() + i).plus(interval))
                    .openPrice(open[i]).highPrice(high[i]).lowPrice(low[i]).closePrice(close[i]).volume(volume[i]).add();
        }
    }

    private static double[] slice(double[] a, Segment s) {
        return java.util.Arrays.copyOfRange(a, s.from(), s.to());
    }

    @SuppressWarnings("unchecked")
    <T> T memo(String key, Supplier<T> compute) {
        Object v = memo.get(key);
        if (v == null) {
            v = compute.get();
            memo.put(key, v);
        }
        return (T) v;
    }

    ClosePriceIndicator closeIndicator() {
        return memo("close", () -> new ClosePriceIndicator(bars));
    }

    /** An indicator's values over the whole segment, in index order (the order ta4j's caches like best); NaN stays NaN. */
    double[] values(Indicator<Num> indicator) {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) out[i] = indicator.getValue(i).doubleValue();
        return out;
    }
}
