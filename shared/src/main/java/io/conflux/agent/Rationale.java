package io.conflux.agent;

import io.conflux.agent.Decision.Reason;
import java.math.RoundingMode;
import java.util.Locale;

/** The rationale the agent writes itself, from the numbers, when no LLM advisor is configured (or it failed). */
public final class Rationale {
    private Rationale() {}

    public static String of(Decision d, Portfolio book, RiskLimits limits) {
        Market m = book.market();
        StringBuilder b = new StringBuilder();
        float[] p = d.probabilities();
        if (p.length == 3) {
            double edge = p[2] - p[0];
            b.append(String.format(Locale.ROOT, "The model gives up %.0f%%, flat %.0f%%, down %.0f%% for the next candle (edge %+.1f points, minimum %.1f). ",
                    100 * p[2], 100 * p[1], 100 * p[0], 100 * edge, 100 * limits.minEdge()));
        }
        b.append(String.format(Locale.ROOT, "The book is worth %s %s at %s, %.0f%% in %s. ", Market.whole(d.value(), m.quoteDecimals()).setScale(2, RoundingMode.DOWN),
                m.quote(), price(d.price()), 100 * d.exposure(), m.base()));
        for (Reason r : d.reasons()) {
            b.append(switch (r) {
                case SIGNAL_UP -> String.format(Locale.ROOT, "That leans up, so the target is %.0f%% in %s. ", 100 * d.targetExposure(), m.base());
                case SIGNAL_DOWN -> "That leans down, so the target is to hold no " + m.base() + ". ";
                case NO_EDGE -> "That is no clear lean, so the book stays as it is. ";
                case AT_TARGET -> "The book already holds about what the signal asks for. ";
                case MAX_POSITION -> String.format(Locale.ROOT, "The position limit caps it at %.0f%%. ", 100 * limits.maxPosition());
                case MAX_ORDER -> String.format(Locale.ROOT, "One order may move at most %.0f%% of the book. ", 100 * limits.maxOrder());
                case ORDER_TOO_SMALL -> "The order it would take is below the minimum order, so none is placed. ";
                case STOP_LOSS -> String.format(Locale.ROOT, "The price is more than %.0f%% below the average entry of %s: the stop-loss sells the position. ",
                        100 * limits.stopLoss(), price(book.averageEntry()));
                case DRAWDOWN_HALT -> String.format(Locale.ROOT, "The book is more than %.0f%% below its peak: everything is sold and trading halts for %d days. ",
                        100 * limits.maxDrawdown(), limits.haltFor().toDays());
                case HALTED -> "Trading is halted after a drawdown. ";
                case COOLDOWN -> String.format(Locale.ROOT, "A sale lost money less than %d hours ago: no new buying until the cooldown ends. ",
                        limits.cooldownAfterLoss().toHours());
                case MODEL_STALE -> String.format(Locale.ROOT, "The model is older than %d days: no model-driven order. ", limits.maxModelAge().toDays());
                case NO_MODEL -> "No model has been published yet. ";
                case NO_DATA -> "There is no complete window of fresh candles. ";
                case ADVISOR -> "The advisor's proposal was used within the limits. ";
            });
        }
        b.append(switch (d.action()) {
            case BUY -> "Buy " + Market.whole(d.quantity(), m.baseDecimals()).stripTrailingZeros().toPlainString() + " " + m.base() + ".";
            case SELL -> "Sell " + Market.whole(-d.quantity(), m.baseDecimals()).stripTrailingZeros().toPlainString() + " " + m.base() + ".";
            case HOLD -> "Hold.";
        });
        return b.toString();
    }

    private static String price(double p) {
        return String.format(Locale.ROOT, "%.2f", p);
    }
}
