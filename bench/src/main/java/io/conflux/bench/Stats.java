package io.conflux.bench;

import java.util.Arrays;
import java.util.List;

final class Stats {
    private Stats() {}

    static double median(List<double[]> rows, int col) {
        return percentile(rows.stream().mapToDouble(r -> r[col]).toArray(), 50);
    }

    static double min(List<double[]> rows, int col) {
        return rows.stream().mapToDouble(r -> r[col]).min().orElse(Double.NaN);
    }

    static double percentile(double[] values, double p) {
        double[] v = values.clone();
        Arrays.sort(v);
        int i = (int) Math.ceil(p / 100 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }
}
