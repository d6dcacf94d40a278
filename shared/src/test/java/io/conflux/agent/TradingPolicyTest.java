package io.conflux.agent;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.agent.Decision.Action;
import io.conflux.agent.Decision.Reason;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each rule of the policy, with the figures computed by hand from the limits. */
class TradingPolicyTest {
    private static final Market M = Market.btcUsdt();
    private static final RiskLimits L = RiskLimits.defaults(M); // 90% position, 25% order, edge 0.05..0.3, stop 5%, drawdown 20%
    private static final TradingPolicy P = new TradingPolicy(L, 10);
    private static final Instant T = Instant.parse("2021-05-01T12:00:00Z");
    private static final long CASH = 10_000_000_000L; // 10,000 USDT
    private static final float[] UP = {0.1f, 0.2f, 0.7f}, DOWN = {0.6f, 0.3f, 0.1f}, FLAT = {0.3f, 0.4f, 0.3f}, MILD_UP = {0.25f, 0.4f, 0.35f};

    private static TradingPolicy.Outcome decide(float[] p, Portfolio book, RiskState risk, double price, Duration age) {
        return P.decide(new TradingPolicy.Situation(T, price, p, book, risk, age));
    }

    private static Portfolio holding(long qty, double entry) {
        Portfolio book = Portfolio.ofCash(M, CASH);
        return book.apply(new Fill("b", T.minusSeconds(3600), entry, qty, M.notional(qty, entry, RoundingMode.CEILING), 0));
    }

    @Test
    void aStrongUpSignal_buysTowardTheFullPosition_oneOrderLimitAtATime() {
        Decision d = decide(UP, Portfolio.ofCash(M, CASH), RiskState.start(CASH), 50_000, Duration.ofHours(1)).decision();
        assertEquals(Action.BUY, d.action());
        assertTrue(d.reasons().containsAll(java.util.List.of(Reason.SIGNAL_UP, Reason.MAX_POSITION, Reason.MAX_ORDER)), d.reasons().toString());
        assertEquals(0.9, d.targetExposure(), 1e-12);
        // 25% of 10,000 USDT = 2,500 USDT at 50,000 = 0.05 BTC
        assertEquals(5_000_000, d.quantity());
        assertTrue(d.rationale().contains("up 70%") && d.rationale().contains("Buy 0.05 BTC"), d.rationale());
    }

    @Test
    void aMildEdgeScalesTheTarget_andTheOrderMakesUpTheDifference() {
        // edge 0.10 of a full 0.30: target 30% of the 90% limit = 30%; the book holds 10%: buy 20% of the value
        Portfolio book = holding(2_000_000, 50_000); // 0.02 BTC = 1,000 USDT of 11,000... value 9,000 cash + 1,000
        long value = book.value(50_000);
        Decision d = decide(MILD_UP, book, RiskState.start(value), 50_000, Duration.ofHours(1)).decision();
        assertEquals(0.9 * 0.10 / 0.3, d.targetExposure(), 1e-6);
        long want = (long) Math.floor(value * (d.targetExposure() - book.exposure(50_000)));
        assertEquals(M.quantityFor(want, 50_000), d.quantity());
        assertFalse(d.reasons().contains(Reason.MAX_ORDER));
    }

    @Test
    void aDownSignalSellsEverything_noEdgeHolds() {
        Portfolio book = holding(10_000_000, 50_000);
        Decision sell = decide(DOWN, book, RiskState.start(book.value(50_000)), 50_000, Duration.ofHours(1)).decision();
        assertEquals(Action.SELL, sell.action());
        assertEquals(-10_000_000, sell.quantity());
        assertEquals(java.util.List.of(Reason.SIGNAL_DOWN), sell.reasons());
        Decision hold = decide(FLAT, book, RiskState.start(book.value(50_000)), 50_000, Duration.ofHours(1)).decision();
        assertEquals(Action.HOLD, hold.action());
        assertEquals(java.util.List.of(Reason.NO_EDGE), hold.reasons());
    }

    @Test
    void theStopLossSells_evenOnAStaleModelOrWithoutData() {
        Portfolio book = holding(10_000_000, 50_000);
        double below = 50_000 * 0.94; // more than 5% under the entry
        for (Duration age : new Duration[] {Duration.ofDays(100), null}) {
            Decision d = decide(UP, book, RiskState.start(CASH), below, age).decision();
            assertEquals(Action.SELL, d.action(), "age " + age);
            assertEquals(java.util.List.of(Reason.STOP_LOSS), d.reasons());
        }
        assertEquals(Action.SELL, P.decide(new TradingPolicy.Situation(T, below, null, book, RiskState.start(CASH), Duration.ZERO)).decision().action());
        assertEquals(Action.BUY, decide(UP, book, RiskState.start(CASH), 50_000 * 0.96, Duration.ofHours(1)).decision().action(), "within the stop");
    }

    @Test
    void aDrawdownBeyondTheLimitSellsAndHalts_theHaltEnds_andThePeakRestarts() {
        Portfolio book = holding(10_000_000, 50_000);
        RiskState risk = RiskState.start(13_000_000_000L); // the book was worth 13,000; now 5,000 cash + 0.1 BTC x 37,000 = 8,700, under 80%
        double price = 37_000;
        long value = book.value(price);
        assertTrue(value < 0.8 * 13_000_000_000L + 1, value + "");
        TradingPolicy.Outcome o = decide(UP, book, risk, price, Duration.ofHours(1));
        assertEquals(Action.SELL, o.decision().action());
        assertEquals(java.util.List.of(Reason.DRAWDOWN_HALT), o.decision().reasons());
        assertEquals(T.plus(L.haltFor()), o.risk().haltedUntil());

        Portfolio flat = Portfolio.ofCash(M, value);
        Decision halted = P.decide(new TradingPolicy.Situation(T.plus(Duration.ofDays(1)), price, UP, flat, o.risk(), Duration.ofHours(1))).decision();
        assertEquals(java.util.List.of(Reason.HALTED), halted.reasons());
        TradingPolicy.Outcome resumed = P.decide(new TradingPolicy.Situation(T.plus(Duration.ofDays(8)), price, UP, flat, o.risk(), Duration.ofHours(1)));
        assertEquals(Action.BUY, resumed.decision().action());
        assertNull(resumed.risk().haltedUntil());
        assertEquals(value, resumed.risk().peakValue(), "the peak restarts at the value when trading resumes");
    }

    @Test
    void aLossStartsACooldownWithoutBuys_aStaleModelOrNoModelOrNoDataHolds() {
        RiskState cooling = new RiskState(CASH, null, T.minus(Duration.ofHours(3)));
        Decision d = decide(UP, Portfolio.ofCash(M, CASH), cooling, 50_000, Duration.ofHours(1)).decision();
        assertEquals(Action.HOLD, d.action());
        assertTrue(d.reasons().contains(Reason.COOLDOWN));
        RiskState cooled = new RiskState(CASH, null, T.minus(Duration.ofHours(25)));
        assertEquals(Action.BUY, decide(UP, Portfolio.ofCash(M, CASH), cooled, 50_000, Duration.ofHours(1)).decision().action());

        assertEquals(java.util.List.of(Reason.MODEL_STALE), decide(UP, Portfolio.ofCash(M, CASH), RiskState.start(CASH), 50_000, Duration.ofDays(15)).decision().reasons());
        assertEquals(java.util.List.of(Reason.NO_MODEL), decide(UP, Portfolio.ofCash(M, CASH), RiskState.start(CASH), 50_000, null).decision().reasons());
        assertEquals(java.util.List.of(Reason.NO_DATA),
                P.decide(new TradingPolicy.Situation(T, 50_000, null, Portfolio.ofCash(M, CASH), RiskState.start(CASH), Duration.ZERO)).decision().reasons());
    }

    @Test
    void anOrderBelowTheMinimumIsNotPlaced() {
        Portfolio poor = Portfolio.ofCash(M, 20_000_000); // 20 USDT: 25% is 5 USDT, under the 10 USDT minimum
        Decision d = decide(UP, poor, RiskState.start(20_000_000), 50_000, Duration.ofHours(1)).decision();
        assertEquals(Action.HOLD, d.action());
        assertTrue(d.reasons().contains(Reason.ORDER_TOO_SMALL));
    }
}
