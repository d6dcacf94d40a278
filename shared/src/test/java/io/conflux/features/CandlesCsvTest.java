package io.conflux.features;

import static io.conflux.features.TestCandles.csv;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandlesCsvTest {

    private static final String HEADER = "timestamp,open,high,low,close,volume\n";

    private static CandleFormatException refused(String text) {
        return assertThrows(CandleFormatException.class, () -> csv(text));
    }

    @Test
    void readsIsoAndEpochMillisTimestamps_andInfersTheInterval() {
        Candles c = csv(HEADER
                + "2017-08-17T04:00:00Z,4261.48,4313.62,4261.32,4308.83,47.181009\n"
                + "1502946000000,4308.83,4328.69,4291.37,4315.32,23.234916\n"
                + "2017-08-17T06:00:00+00:00,4330.29,4345.45,4309.37,4324.35,7.229691\n");
        assertEquals(3, c.size());
        assertEquals(Duration.ofHours(1), c.interval());
        assertEquals(Instant.parse("2017-08-17T05:00:00Z"), c.openTime(1));
        assertEquals(new Candle(Instant.parse("2017-08-17T06:00:00Z"), 4330.29, 4345.45, 4309.37, 4324.35, 7.229691), c.get(2));
        assertEquals(List.of(new Segment(0, 3)), c.segments());
        assertTrue(c.gaps().isEmpty());
    }

    @Test
    void headerMayReorderAndAddColumns_valuesAreTakenByName() {
        Candles c = csv("Volume, Close ,low,high,open,TIMESTAMP,trades\n"
                + "5,10.5,9,11,10,2020-01-01T00:00:00Z,17\n"
                + "6,10.0,9.5,10.6,10.5,2020-01-01T00:01:00Z,3\n");
        assertEquals(new Candle(Instant.parse("2020-01-01T00:00:00Z"), 10, 11, 9, 10.5, 5), c.get(0));
        assertEquals(Duration.ofMinutes(1), c.interval());
    }

    @Test
    void missingHeader_isRefusedAtLine1() {
        assertEquals("test.csv line 1: header required (timestamp,open,high,low,close,volume), found a data row",
                refused("2020-01-01T00:00:00Z,1,1,1,1,1\n2020-01-01T01:00:00Z,1,1,1,1,1\n").getMessage());
        assertTrue(refused("timestamp,open,high,low,close\n2020-01-01T00:00:00Z,1,1,1,1\n").getMessage()
                .startsWith("test.csv line 1: header lacks column 'volume'"));
    }

    @Test
    void missingColumn_namesTheLineAndTheColumn() {
        CandleFormatException e = refused(HEADER
                + "2020-01-01T00:00:00Z,10,11,9,10,5\n"
                + "2020-01-01T01:00:00Z,10,11,9,10\n");
        assertEquals("test.csv line 3: column 'volume' missing", e.getMessage());
        assertEquals(3, e.line());
        assertEquals("test.csv", e.source());
    }

    @Test
    void malformedValues_nameTheLineColumnAndValue() {
        assertEquals("test.csv line 2: column 'high' is not a number: 'abc'",
                refused(HEADER + "2020-01-01T00:00:00Z,10,abc,9,10,5\n").getMessage());
        assertEquals("test.csv line 2: column 'close' is not a number: 'NaN'",
                refused(HEADER + "2020-01-01T00:00:00Z,10,11,9,NaN,5\n").getMessage());
        assertEquals("test.csv line 2: column 'low' empty", refused(HEADER + "2020-01-01T00:00:00Z,10,11,,10,5\n").getMessage());
        assertEquals("test.csv line 2: 7 values, but the header names 6 columns",
                refused(HEADER + "2020-01-01T00:00:00Z,10,11,9,10,5,1\n").getMessage());
        assertTrue(refused(HEADER + "2020-01-01 00:00:00,10,11,9,10,5\n").getMessage()
                .startsWith("test.csv line 2: column 'timestamp' is neither an ISO-8601 instant"));
    }

    @Test
    void epochSeconds_areRefusedRatherThanReadAs1970() {
        assertEquals("test.csv line 2: numeric timestamp 1502942400 is too small for epoch milliseconds (epoch seconds? multiply by 1000)",
                refused(HEADER + "1502942400,10,11,9,10,5\n").getMessage());
    }

    @Test
    void inconsistentOhlc_namesTheLine() {
        assertEquals("test.csv line 3: inconsistent candle at 2020-01-01T01:00:00Z: high 10.0 is below max(open, close) 10.5",
                refused(HEADER + "2020-01-01T00:00:00Z,10,11,9,10,5\n2020-01-01T01:00:00Z,10,10,9,10.5,5\n").getMessage());
        assertEquals("test.csv line 2: inconsistent candle at 2020-01-01T00:00:00Z: volume must be finite and not negative, was -5.0",
                refused(HEADER + "2020-01-01T00:00:00Z,10,11,9,10,-5\n").getMessage());
    }

    @Test
    void unsortedRows_areSortedAndCounted() {
        Candles c = csv(HEADER
                + "2020-01-01T02:00:00Z,12,13,11,12,1\n"
                + "2020-01-01T00:00:00Z,10,11,9,10,1\n"
                + "2020-01-01T01:00:00Z,11,12,10,11,1\n"
                + "2020-01-01T03:00:00Z,13,14,12,13,1\n");
        assertEquals(List.of(10.0, 11.0, 12.0, 13.0), c.toList().stream().map(Candle::close).toList());
        assertEquals(1, c.report().outOfOrder(), "one line (line 3) is earlier than the line before it");
        assertEquals(4, c.report().candles());
    }

    @Test
    void exactDuplicates_areDroppedAndCounted_blankLinesSkipped() {
        Candles c = csv(HEADER
                + "2020-01-01T00:00:00Z,10,11,9,10,1\n"
                + "\n"
                + "2020-01-01T01:00:00Z,11,12,10,11,1\n"
                + "2020-01-01T00:00:00Z,10.0,11.00,9,10,1.0\n"
                + "2020-01-01T02:00:00Z,12,13,11,12,1\n\n");
        assertEquals(3, c.size());
        assertEquals(1, c.report().duplicatesDropped());
        assertEquals(2, c.report().blankLines());
        assertEquals(4, c.report().dataLines());
        assertEquals(1, c.report().outOfOrder());
    }

    @Test
    void conflictingDuplicates_nameBothLines() {
        CandleFormatException e = refused(HEADER
                + "2020-01-01T00:00:00Z,10,11,9,10,1\n"
                + "2020-01-01T01:00:00Z,11,12,10,11,1\n"
                + "2020-01-01T00:00:00Z,10,11,9,10.5,1\n");
        assertTrue(e.getMessage().startsWith("test.csv lines 2 and 4: two different candles open at 2020-01-01T00:00:00Z"), e.getMessage());
    }

    @Test
    void gaps_areReportedNotFilled_andSplitTheSeriesIntoSegments() {
        Candles c = csv(HEADER
                + "2020-01-01T00:00:00Z,10,11,9,10,1\n"
                + "2020-01-01T01:00:00Z,10,11,9,10,1\n"
                + "2020-01-01T02:00:00Z,10,11,9,10,1\n"
                + "2020-01-01T05:00:00Z,10,11,9,10,0\n"   // 03:00 and 04:00 missing
                + "2020-01-01T06:00:00Z,10,11,9,10,1\n");
        assertEquals(Duration.ofHours(1), c.interval(), "the most common spacing, not the gap");
        assertEquals(5, c.size());
        assertEquals(List.of(new Gap(Instant.parse("2020-01-01T02:00:00Z"), Instant.parse("2020-01-01T05:00:00Z"), 2, 3)), c.gaps());
        assertEquals(List.of(new Segment(0, 3), new Segment(3, 5)), c.segments());
        assertEquals(new Segment(3, 5), c.segmentOf(4));
        assertEquals(2, c.report().missingCandles());
        assertEquals(1, c.report().zeroVolume());
    }

    @Test
    void spacingOffTheGrid_isRefusedNamingBothLines() {
        CandleFormatException e = refused(HEADER
                + "2020-01-01T00:00:00Z,10,11,9,10,1\n"
                + "2020-01-01T01:00:00Z,10,11,9,10,1\n"
                + "2020-01-01T02:00:00Z,10,11,9,10,1\n"
                + "2020-01-01T02:30:00Z,10,11,9,10,1\n");
        assertTrue(e.getMessage().startsWith("test.csv lines 4 and 5: candle at 2020-01-01T02:30:00Z is PT30M after"), e.getMessage());
    }

    @Test
    void realHourlyFile_hasTheDocumented27OutagesAnd127MissingHours() {
        Candles btc = TestCandles.real("btc-usdt-1h.csv");
        assertEquals(35_989, btc.size());
        assertEquals(Duration.ofHours(1), btc.interval());
        assertEquals(27, btc.gaps().size());
        assertEquals(127, btc.gaps().stream().mapToLong(Gap::missing).sum());
        assertEquals(28, btc.segments().size());
        Gap largest = btc.gaps().stream().max((a, b) -> Long.compare(a.missing(), b.missing())).orElseThrow();
        // README: largest outage 2018-02-08T01Z..2018-02-09T09Z, 33 h: the hours 01..09 the next day are missing
        assertEquals(Instant.parse("2018-02-08T00:00:00Z"), largest.lastBefore());
        assertEquals(Instant.parse("2018-02-09T10:00:00Z"), largest.firstAfter());
        assertEquals(33, largest.missing());
        assertEquals(3, btc.report().zeroVolume());
        assertEquals(35_989, btc.segments().stream().mapToInt(Segment::size).sum());
    }

    @Test
    void slice_isByOpenTime_halfOpen_andKeepsTheInterval() {
        Candles btc = TestCandles.real("btc-usdt-1h.csv");
        Candles feb = btc.slice(Instant.parse("2018-02-08T00:00:00Z"), Instant.parse("2018-02-09T12:00:00Z"));
        assertEquals(Instant.parse("2018-02-08T00:00:00Z"), feb.openTime(0));
        assertEquals(Instant.parse("2018-02-09T11:00:00Z"), feb.openTime(feb.size() - 1));
        assertEquals(3, feb.size(), "00:00, then 10:00 and 11:00 the next day");
        assertEquals(List.of(new Segment(0, 1), new Segment(1, 3)), feb.segments());
        assertEquals(Duration.ofHours(1), feb.interval());
        assertEquals(0, btc.slice(Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2031-01-01T00:00:00Z")).size());
    }

    @Test
    void ofList_requiresOrderAndAGrid() {
        List<Candle> walk = TestCandles.randomWalk(5, 1);
        assertEquals(5, Candles.of(walk).size());
        List<Candle> swapped = List.of(walk.get(1), walk.get(0), walk.get(2));
        assertThrows(IllegalArgumentException.class, () -> Candles.of(swapped));
        assertThrows(IllegalArgumentException.class, () -> Candles.of(walk.subList(0, 1)), "one candle: no interval to infer");
        assertEquals(1, Candles.of(walk.subList(0, 1), Duration.ofHours(1)).size());
    }
}
