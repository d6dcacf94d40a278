package io.conflux.aggregation;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strategies by name, as a round names its rule: {@code fedavg}, {@code median},
 * {@code trimmed-mean(beta=0.2)}, {@code multi-krum(f=2,m=5)}, each optionally after
 * {@code clip(max=1.5)+}. The names are those {@link AggregationStrategy#rule()} records.
 */
public final class Strategies {
    private static final Pattern RULE = Pattern.compile("([a-z-]+)(?:\\(([^)]*)\\))?");

    private Strategies() {}

    /** @param valueBound no value of any accepted update exceeds this (the round's norm bound) */
    public static AggregationStrategy parse(String spec, double valueBound) {
        String s = spec == null ? "" : spec.trim();
        if (s.startsWith("clip(")) {
            int plus = s.indexOf(")+");
            if (plus < 0) throw new IllegalArgumentException("clipping is written clip(max=X)+<rule>: '" + spec + "'");
            Map<String, String> p = params(s.substring(5, plus), spec);
            return new NormClipping(number(p, "max", spec), parse(s.substring(plus + 2), valueBound));
        }
        Matcher m = RULE.matcher(s);
        if (!m.matches()) throw new IllegalArgumentException("not an aggregation rule: '" + spec + "'");
        Map<String, String> p = params(m.group(2), spec);
        return switch (m.group(1)) {
            case "fedavg" -> new FedAvg(valueBound);
            case "median" -> CoordinateStatistic.median();
            case "trimmed-mean" -> CoordinateStatistic.trimmedMean(number(p, "beta", spec));
            case "multi-krum" -> new MultiKrum((int) number(p, "f", spec), (int) number(p, "m", spec), valueBound);
            default -> throw new IllegalArgumentException("unknown aggregation rule '" + m.group(1) + "' (fedavg, median, trimmed-mean, multi-krum)");
        };
    }

    private static Map<String, String> params(String list, String spec) {
        Map<String, String> out = new HashMap<>();
        if (list == null || list.isBlank()) return out;
        for (String kv : list.split(",")) {
            String[] parts = kv.split("=", 2);
            if (parts.length != 2) throw new IllegalArgumentException("parameters are name=value: '" + spec + "'");
            out.put(parts[0].trim(), parts[1].trim());
        }
        return out;
    }

    private static double number(Map<String, String> p, String name, String spec) {
        String v = p.get(name);
        if (v == null) throw new IllegalArgumentException("'" + spec + "' needs " + name + "=...");
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number in '" + spec + "'");
        }
    }
}
