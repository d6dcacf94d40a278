package io.conflux.agent;

import java.time.Instant;
import java.util.List;

/**
 * What the agent decided at one tick, with what it decided on: the model's probabilities, the price, the
 * book, and the reasons (codes) and rationale (words).
 *
 * @param quantity base units to trade: positive buys, negative sells, 0 holds
 */
public record Decision(Instant at, Action action, long quantity, double targetExposure, double exposure, float[] probabilities, double price,
                       long value, List<Reason> reasons, String rationale) {

    public enum Action { BUY, SELL, HOLD }

    /** Why: the signal, the limits that shaped or overrode it, or the reason nothing could be decided. */
    public enum Reason {
        SIGNAL_UP("the model leans up by more than the minimum edge"),
        SIGNAL_DOWN("the model leans down by more than the minimum edge"),
        NO_EDGE("the model's lean is inside the minimum edge"),
        AT_TARGET("the book is already at the exposure the signal asks for"),
        MAX_POSITION("the position limit capped the target"),
        MAX_ORDER("the order-size limit capped the order"),
        ORDER_TOO_SMALL("the order would be worth less than the minimum order"),
        STOP_LOSS("the price fell below the stop-loss under the average entry"),
        DRAWDOWN_HALT("the book's value fell below the drawdown limit under its peak: everything is sold and trading halts"),
        HALTED("trading is halted after a drawdown"),
        COOLDOWN("a losing sale happened within the cooldown: no new buys"),
        MODEL_STALE("the model is older than the age limit"),
        NO_MODEL("no published model"),
        NO_DATA("no complete window of fresh candles (stale feed, a gap, or too little history)"),
        ADVISOR("an LLM advisor proposed the order, within the limits");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    public Decision {
        reasons = List.copyOf(reasons);
        if ((action == Action.HOLD) != (quantity == 0) || (action == Action.BUY && quantity < 0) || (action == Action.SELL && quantity > 0)) {
            throw new IllegalArgumentException(action + " of " + quantity);
        }
    }

    public Decision withRationale(String text) {
        return new Decision(at, action, quantity, targetExposure, exposure, probabilities, price, value, reasons, text);
    }

    /** A hold without a model view (no model, no data): the reason says why. */
    public static Decision hold(Instant at, Reason why, double price, Portfolio book, String rationale) {
        return new Decision(at, Action.HOLD, 0, Double.NaN, Double.isNaN(price) ? 0 : book.exposure(price), new float[0], price,
                Double.isNaN(price) ? book.cash() : book.value(price), List.of(why), rationale);
    }
}
