package io.conflux.agent;

import java.util.Map;
import java.util.Optional;

/**
 * An optional second opinion (an LLM) on a tick: it sees the model's probabilities, key indicators and the
 * book, and proposes an action, a size and a rationale. The proposal is validated and passed through the
 * same risk limits as the policy's own; on a timeout, an error or an invalid answer the policy decides alone.
 */
public interface Advisor {

    /** What the advisor is shown. {@code indicators} are the latest raw feature values by name. */
    record Request(Market market, java.time.Instant at, float[] probabilities, Map<String, Double> indicators, double price, long value,
                   double exposure, RiskLimits limits) {}

    /**
     * A proposal. {@code sizeFraction} is the share of the book's value to buy (BUY) or of the position to sell
     * (SELL), in [0, 1]; it is ignored for HOLD.
     */
    record Advice(Decision.Action action, double sizeFraction, String rationale) {}

    /** Why there is no advice: the policy decides alone and the decision records this. */
    record Failure(String reason) {}

    /** The advice, or why there is none (never throws). */
    Result advise(Request request);

    /** Either an advice or a failure. */
    record Result(Optional<Advice> advice, Optional<Failure> failure) {
        public static Result of(Advice a) {
            return new Result(Optional.of(a), Optional.empty());
        }

        public static Result failed(String reason) {
            return new Result(Optional.empty(), Optional.of(new Failure(reason)));
        }
    }

    /** Checks an advice's form: a known action, a finite size in [0, 1], a rationale of sensible length. */
    static Optional<String> invalid(Advice a) {
        if (a.action() == null) return Optional.of("no action");
        if (!(a.sizeFraction() >= 0 && a.sizeFraction() <= 1)) return Optional.of("size fraction " + a.sizeFraction() + " outside [0, 1]");
        if (a.rationale() == null || a.rationale().isBlank()) return Optional.of("no rationale");
        if (a.rationale().length() > 2000) return Optional.of("rationale longer than 2,000 characters");
        return Optional.empty();
    }
}
