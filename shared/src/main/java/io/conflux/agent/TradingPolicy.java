package io.conflux.agent;

import io.conflux.agent.Decision.Action;
import io.conflux.agent.Decision.Reason;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * From the model's class probabilities (down, flat, up) to an order, under {@link RiskLimits}. The same code
 * decides in the scheduled agent and in the backtester.
 *
 * <ol>
 *   <li>Risk first: a drawdown beyond the limit sells everything and halts; a halt holds until it runs out;
 *       a price below the stop-loss sells the position. These act whatever the model says, even a stale one.</li>
 *   <li>A model older than the age limit decides nothing more.</li>
 *   <li>The edge is P(up) - P(down). Above {@code minEdge} the target exposure is
 *       {@code maxPosition * min(1, edge / fullConviction)} (no increase during a loss cooldown); below
 *       {@code -minEdge} it is 0; in between the book stays as it is.</li>
 *   <li>The order moves toward the target, at most {@code maxOrder} of the value, and is skipped when worth
 *       less than the minimum order. Buys are sized on cash after the fee and a price buffer, so they can fill.</li>
 * </ol>
 */
public final class TradingPolicy {
    /** A buy reserves this much above the decision price for the next open and slippage. */
    static final double BUY_BUFFER = 0.01;

    private final RiskLimits limits;
    private final double feeRate;

    public TradingPolicy(RiskLimits limits, double feeBps) {
        this.limits = limits;
        this.feeRate = feeBps / 1e4;
    }

    public RiskLimits limits() {
        return limits;
    }

    /**
     * What the policy is told at a tick. {@code modelAge} is null when there is no model; {@code probabilities}
     * (down, flat, up) is null when there is no complete window of fresh candles to run it on.
     */
    public record Situation(Instant at, double price, float[] probabilities, Portfolio book, RiskState risk, Duration modelAge) {}

    /** The decision, and the risk state it leaves (a halt starting or ending). */
    public record Outcome(Decision decision, RiskState risk) {}

    public Outcome decide(Situation s) {
        return decide(s, true);
    }

    /** As {@link #decide(Situation)}; without {@code explain} the rationale is left empty (the backtester explains only trades). */
    public Outcome decide(Situation s, boolean explain) {
        Outcome o = core(s);
        return explain ? new Outcome(o.decision().withRationale(Rationale.of(o.decision(), s.book(), limits)), o.risk()) : o;
    }

    /** Risk overrides and missing inputs: the advisor is not asked when one of these decided. */
    private static final java.util.Set<Reason> OVERRIDES = java.util.EnumSet.of(Reason.STOP_LOSS, Reason.DRAWDOWN_HALT, Reason.HALTED,
            Reason.MODEL_STALE, Reason.NO_MODEL, Reason.NO_DATA);

    /**
     * As {@link #decide(Situation)}, with an advisor's proposal in place of the model-driven signal when one is
     * usable: it moves the target exposure (a BUY adds its size fraction of the value, a SELL removes that
     * fraction of the position), and the same limits then shape the order. Risk overrides are never put to the
     * advisor; a failed or invalid answer leaves the decision to the policy, and the rationale says so.
     */
    public Outcome decide(Situation s, Advisor advisor, java.util.Map<String, Double> indicators) {
        Outcome own = core(s);
        Decision d = own.decision();
        if (advisor == null || d.reasons().stream().anyMatch(OVERRIDES::contains)) return decide(s, true);
        long value = s.book().value(s.price());
        double exposure = s.book().exposure(s.price());
        Advisor.Result r;
        try {
            r = advisor.advise(new Advisor.Request(s.book().market(), s.at(), s.probabilities(), indicators, s.price(), value, exposure, limits));
        } catch (RuntimeException e) {
            r = Advisor.Result.failed("the advisor failed: " + e.getMessage());
        }
        java.util.Optional<String> invalid = r.advice().flatMap(Advisor::invalid);
        if (r.advice().isEmpty() || invalid.isPresent()) {
            String why = invalid.map(x -> "the advisor's answer is invalid: " + x).orElse(r.failure().map(Advisor.Failure::reason).orElse("no answer"));
            return new Outcome(d.withRationale("No advice used (" + why + "); the policy decided alone. " + Rationale.of(d, s.book(), limits)), own.risk());
        }
        Advisor.Advice a = r.advice().get();
        List<Reason> why = new ArrayList<>(List.of(Reason.ADVISOR));
        double target = switch (a.action()) {
            case BUY -> exposure + a.sizeFraction();
            case SELL -> exposure * (1 - a.sizeFraction());
            case HOLD -> exposure;
        };
        if (target > limits.maxPosition()) {
            target = limits.maxPosition();
            why.add(Reason.MAX_POSITION);
        }
        RiskState risk = own.risk();
        if (cooling(risk, s.at()) && target > exposure) {
            why.add(Reason.COOLDOWN);
            target = exposure;
        }
        Decision advised = toward(s, value, exposure, target, why);
        return new Outcome(advised.withRationale("Advisor: " + a.rationale().strip() + " | Within the limits: " + Rationale.of(advised, s.book(), limits)), risk);
    }

    private Outcome core(Situation s) {
        Portfolio book = s.book();
        long value = book.value(s.price());
        RiskState risk = s.risk().marked(value);
        double exposure = book.exposure(s.price());
        float[] p = s.probabilities();
        List<Reason> why = new ArrayList<>();

        if (risk.haltedUntil() != null) {
            if (s.at().isBefore(risk.haltedUntil())) {
                return new Outcome(hold(s, value, exposure, Reason.HALTED), risk);
            }
            risk = risk.resumed(value);
        }
        if (value < risk.peakValue() * (1 - limits.maxDrawdown())) {
            risk = risk.halted(s.at().plus(limits.haltFor()));
            return new Outcome(sellAll(s, value, exposure, Reason.DRAWDOWN_HALT), risk);
        }
        if (book.position() > 0 && s.price() <= book.averageEntry() * (1 - limits.stopLoss())) {
            return new Outcome(sellAll(s, value, exposure, Reason.STOP_LOSS), risk);
        }
        if (s.modelAge() == null) return new Outcome(hold(s, value, exposure, Reason.NO_MODEL), risk);
        if (p == null) return new Outcome(hold(s, value, exposure, Reason.NO_DATA), risk);
        if (s.modelAge().compareTo(limits.maxModelAge()) > 0) return new Outcome(hold(s, value, exposure, Reason.MODEL_STALE), risk);

        double edge = p[p.length - 1] - p[0];
        double target;
        if (edge > limits.minEdge()) {
            why.add(Reason.SIGNAL_UP);
            double wanted = limits.maxPosition() * Math.min(1, edge / limits.fullConviction());
            if (edge >= limits.fullConviction()) why.add(Reason.MAX_POSITION);
            target = wanted;
            if (cooling(risk, s.at()) && target > exposure) {
                why.add(Reason.COOLDOWN);
                target = exposure;
            }
        } else if (edge < -limits.minEdge()) {
            why.add(Reason.SIGNAL_DOWN);
            target = 0;
        } else {
            why.add(Reason.NO_EDGE);
            target = exposure;
        }
        return new Outcome(toward(s, value, exposure, target, why), risk);
    }

    /** Within the cooldown after a losing sale: no buying. */
    private boolean cooling(RiskState risk, Instant at) {
        return risk.lastLossAt() != null && at.isBefore(risk.lastLossAt().plus(limits.cooldownAfterLoss()));
    }

    private Decision toward(Situation s, long value, double exposure, double target, List<Reason> why) {
        Portfolio book = s.book();
        Market m = book.market();
        double move = target - exposure;
        long maxOrderQuote = (long) Math.floor(value * limits.maxOrder());
        if (move > 0) {
            long wantQuote = (long) Math.floor(value * move);
            if (wantQuote > maxOrderQuote) {
                wantQuote = maxOrderQuote;
                why.add(Reason.MAX_ORDER);
            }
            long spendable = (long) Math.floor(book.cash() / (1 + feeRate) / (1 + BUY_BUFFER));
            long quote = Math.min(wantQuote, spendable);
            long qty = m.quantityFor(quote, s.price());
            if (qty <= 0 || m.notional(qty, s.price(), RoundingMode.CEILING) < limits.minOrderQuote()) {
                return small(s, value, exposure, target, why);
            }
            return decision(s, Action.BUY, qty, target, exposure, value, why);
        }
        if (move < 0 && book.position() > 0) {
            long qty;
            if (target == 0) {
                qty = book.position(); // closing sells everything, however small the order limit
            } else {
                long quote = Math.min((long) Math.floor(value * -move), maxOrderQuote);
                if (quote == maxOrderQuote && value * -move > maxOrderQuote) why.add(Reason.MAX_ORDER);
                qty = Math.min(book.position(), m.quantityFor(quote, s.price()));
            }
            if (qty <= 0 || m.notional(qty, s.price(), RoundingMode.FLOOR) < limits.minOrderQuote() && qty < book.position()) {
                return small(s, value, exposure, target, why);
            }
            return decision(s, Action.SELL, -qty, target, exposure, value, why);
        }
        if (!why.contains(Reason.NO_EDGE)) why.add(Reason.AT_TARGET);
        return decision(s, Action.HOLD, 0, target, exposure, value, why);
    }

    private Decision small(Situation s, long value, double exposure, double target, List<Reason> why) {
        why.add(Reason.ORDER_TOO_SMALL);
        return decision(s, Action.HOLD, 0, target, exposure, value, why);
    }

    private Decision sellAll(Situation s, long value, double exposure, Reason why) {
        long qty = s.book().position();
        return decision(s, qty > 0 ? Action.SELL : Action.HOLD, -qty, 0, exposure, value, new ArrayList<>(List.of(why)));
    }

    private Decision hold(Situation s, long value, double exposure, Reason why) {
        return decision(s, Action.HOLD, 0, exposure, exposure, value, new ArrayList<>(List.of(why)));
    }

    private Decision decision(Situation s, Action a, long qty, double target, double exposure, long value, List<Reason> why) {
        return new Decision(s.at(), a, qty, target, exposure, s.probabilities() == null ? new float[0] : s.probabilities(), s.price(), value, why, "");
    }
}
