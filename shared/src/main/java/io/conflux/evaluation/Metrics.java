package io.conflux.evaluation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a model did on a validation window.
 *
 * @param windows          how many windows (one decision each) were scored
 * @param accuracy         share of windows whose most probable class was the realised direction
 * @param majorityBaseline the accuracy of always answering the window's most frequent class (what a
 *                         model must beat to have learnt anything)
 * @param logLoss          mean negative log-likelihood of the realised class (natural log; lower is better)
 * @param policyReturn     the cost-adjusted log return of the threshold policy (long when P(up) - P(down)
 *                         exceeds the threshold, flat otherwise), fees charged on every position change
 * @param buyAndHold       the log return of holding the asset over the same candles, for comparison
 * @param trades           position changes the policy made
 */
public record Metrics(int windows, double accuracy, double majorityBaseline, double logLoss, double policyReturn,
                      double buyAndHold, int trades) {

    /** What contribution scores measure a coalition's model by: higher is better. */
    public double utility() {
        return -logLoss;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("windows", windows);
        m.put("accuracy", accuracy);
        m.put("majorityBaseline", majorityBaseline);
        m.put("logLoss", logLoss);
        m.put("policyReturn", policyReturn);
        m.put("buyAndHold", buyAndHold);
        m.put("trades", trades);
        return m;
    }

    public static Metrics fromMap(Map<?, ?> m) {
        return new Metrics(((Number) m.get("windows")).intValue(), num(m, "accuracy"), num(m, "majorityBaseline"),
                num(m, "logLoss"), num(m, "policyReturn"), num(m, "buyAndHold"), ((Number) m.get("trades")).intValue());
    }

    private static double num(Map<?, ?> m, String k) {
        return ((Number) m.get(k)).doubleValue();
    }
}
