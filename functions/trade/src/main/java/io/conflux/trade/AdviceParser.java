package io.conflux.trade;

import io.conflux.agent.Advisor;
import io.conflux.agent.Decision;
import io.conflux.platform.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What every advisor sends and reads back: the prompt, the request as JSON, and the answer's schema. */
final class AdviceParser {
    static final String SYSTEM_PROMPT = String.join(" ",
            "You advise a cautious, long-only crypto spot trading agent.",
            "You are given a model's probabilities that the next candle closes down, flat or up, a few indicators, and the book.",
            "Answer with one JSON object and nothing else:",
            "{\"action\": \"BUY\" | \"SELL\" | \"HOLD\", \"size_fraction\": number between 0 and 1, \"rationale\": string}.",
            "size_fraction is the share of the book's value to buy (BUY) or of the position to sell (SELL).",
            "The rationale is two or three plain sentences for the traders who share the profits.",
            "Risk limits are enforced after you answer; do not try to exceed them.");

    private AdviceParser() {}

    static String requestJson(Advisor.Request r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("market", r.market().symbol());
        m.put("time", r.at().toString());
        float[] p = r.probabilities();
        m.put("probabilities", Map.of("down", (double) p[0], "flat", (double) p[1], "up", (double) p[2]));
        m.put("indicators", r.indicators());
        m.put("price", r.price());
        m.put("bookValue", io.conflux.agent.Market.whole(r.value(), r.market().quoteDecimals()).toPlainString() + " " + r.market().quote());
        m.put("exposure", r.exposure());
        m.put("limits", Map.of("maxPosition", r.limits().maxPosition(), "maxOrder", r.limits().maxOrder(), "stopLoss", r.limits().stopLoss(),
                "maxDrawdown", r.limits().maxDrawdown()));
        return Json.write(m);
    }

    /** The advice in {@code text} (a JSON object, possibly in a Markdown code fence), or a failure saying what is wrong. */
    static Advisor.Result parse(String text) {
        if (text == null) return Advisor.Result.failed("an empty answer");
        String t = text.strip();
        if (t.startsWith("```")) t = t.replaceFirst("^```(json)?\\s*", "").replaceFirst("\\s*```$", "");
        Map<String, Object> m;
        try {
            m = Json.object(t);
        } catch (IOException | RuntimeException e) {
            return Advisor.Result.failed("the answer is not a JSON object: " + abbreviate(t));
        }
        Object action = m.get("action");
        Object size = m.containsKey("size_fraction") ? m.get("size_fraction") : m.get("sizeFraction");
        Object rationale = m.get("rationale");
        if (!(action instanceof String a) || !(size instanceof Number n) || !(rationale instanceof String why)) {
            return Advisor.Result.failed("the answer lacks action, size_fraction or rationale: " + abbreviate(t));
        }
        Decision.Action act;
        try {
            act = Decision.Action.valueOf(a.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Advisor.Result.failed("unknown action '" + abbreviate(a) + "'");
        }
        return Advisor.Result.of(new Advisor.Advice(act, n.doubleValue(), why));
    }

    static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
