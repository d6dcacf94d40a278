package io.conflux.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.conflux.platform.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-feature z-scores: {@code clamp((x - mean) / std, -clamp, clamp)}, with mean and population std fitted on
 * the rows a trader TRAINS on only (fitting on validation or future rows would leak them into training). A
 * feature that is constant over those rows gets std 1, so it passes through centred. Clamping keeps a crash
 * candle from saturating the LSTM's gates.
 *
 * <p>The model carries its normalizer: {@link #toJson()} is a small self-describing document (feature names
 * included, so a model is never fed columns in another order) and {@link #fromJson(String)} restores it
 * exactly: doubles are written in their shortest round-trip form.
 */
public final class Normalizer {

    public static final String FORMAT = "conflux-normalizer/1";
    public static final double DEFAULT_CLAMP = 10;
    private static final JsonFactory JSON = new JsonFactory();

    private final List<String> names;
    private final double[] mean;
    private final double[] std;
    private final double clamp;

    public Normalizer(List<String> names, double[] mean, double[] std, double clamp) {
        this.names = List.copyOf(names);
        if (mean.length != names.size() || std.length != names.size()) {
            throw new IllegalArgumentException(names.size() + " names but " + mean.length + " means and " + std.length + " stds");
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Double.isFinite(mean[c]) || !(std[c] > 0) || !Double.isFinite(std[c])) {
                throw new IllegalArgumentException("feature '" + names.get(c) + "': mean must be finite and std positive,"
                        + " was " + mean[c] + " / " + std[c]);
            }
        }
        if (!(clamp > 0)) throw new IllegalArgumentException("clamp must be positive, was " + clamp);
        this.mean = mean.clone();
        this.std = std.clone();
        this.clamp = clamp;
    }

    /** Fits on rows {@code fromRow} (inclusive) to {@code toRow} (exclusive) of the matrix, with the default clamp. */
    public static Normalizer fit(FeatureMatrix m, int fromRow, int toRow) {
        if (fromRow < 0 || toRow > m.rows() || fromRow >= toRow) {
            throw new IllegalArgumentException("cannot fit on rows [" + fromRow + ", " + toRow + ") of " + m.rows());
        }
        int columns = m.columns();
        double[] v = m.valuesView();
        double[] mean = new double[columns];
        double[] std = new double[columns];
        int n = toRow - fromRow;
        for (int c = 0; c < columns; c++) {
            double sum = 0;
            for (int r = fromRow; r < toRow; r++) sum += v[r * columns + c];
            double mu = sum / n;
            double squares = 0;
            for (int r = fromRow; r < toRow; r++) {
                double d = v[r * columns + c] - mu;
                squares += d * d;
            }
            double sd = Math.sqrt(squares / n);
            mean[c] = mu;
            // Zero, or rounding noise around a constant column: no spread to scale by.
            std[c] = sd == 0 || sd <= 1e-12 * Math.abs(mu) ? 1 : sd;
        }
        return new Normalizer(m.names(), mean, std, DEFAULT_CLAMP);
    }

    /**
     * Fits on every row whose candle opened before {@code time}: what evaluation, the agent and the backtester
     * normalize with (never a row from the period they judge or trade).
     *
     * @throws IllegalArgumentException with fewer than two such rows
     */
    public static Normalizer fitBefore(FeatureMatrix m, java.time.Instant time) {
        int rows = 0;
        while (rows < m.rows() && m.openTime(rows).isBefore(time)) rows++;
        if (rows < 2) {
            throw new IllegalArgumentException("only " + rows + " feature rows of " + m.candles().source() + " before " + time
                    + ": too little history (after the indicators' warm-up) to fit the normalizer on");
        }
        return fit(m, 0, rows);
    }

    /** Fits on exactly the rows the training windows read. */
    public static Normalizer fit(Dataset training) {
        if (training.size() == 0) throw new IllegalArgumentException("cannot fit a normalizer on an empty dataset");
        return fit(training.matrix(), training.firstRow(), training.lastRow() + 1);
    }

    public double apply(int column, double x) {
        double z = (x - mean[column]) / std[column];
        return Math.max(-clamp, Math.min(clamp, z));
    }

    /** A normalized copy of one row (in this normalizer's column order). */
    public double[] apply(double[] row) {
        if (row.length != mean.length) throw new IllegalArgumentException("row has " + row.length + " values, expected " + mean.length);
        double[] out = new double[row.length];
        for (int c = 0; c < row.length; c++) out[c] = apply(c, row[c]);
        return out;
    }

    /** A normalized copy of the matrix; its columns must be this normalizer's features, in order. */
    public FeatureMatrix apply(FeatureMatrix m) {
        if (!m.names().equals(names)) {
            throw new IllegalArgumentException("normalizer was fitted on " + names + " but the matrix has " + m.names());
        }
        double[] v = m.values();
        int columns = names.size();
        for (int i = 0; i < v.length; i++) v[i] = apply(i % columns, v[i]);
        return m.withValues(v);
    }

    public List<String> names() {
        return names;
    }

    public double mean(int column) {
        return mean[column];
    }

    public double std(int column) {
        return std[column];
    }

    public double clamp() {
        return clamp;
    }

    /** {@code {"format":"conflux-normalizer/1","clamp":10.0,"features":[{"name":..,"mean":..,"std":..},..]}} */
    public String toJson() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("clamp", clamp);
            g.writeArrayFieldStart("features");
            for (int c = 0; c < names.size(); c++) {
                g.writeStartObject();
                g.writeStringField("name", names.get(c));
                g.writeNumberField("mean", mean[c]);
                g.writeNumberField("std", std[c]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static Normalizer fromJson(String json) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("normalizer is not valid JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(Json.string(root, "format"))) {
            throw new IllegalArgumentException("not a " + FORMAT + " document (format: " + Json.string(root, "format") + ")");
        }
        if (!(Json.at(root, "features") instanceof List<?> features) || features.isEmpty()) {
            throw new IllegalArgumentException("normalizer has no 'features' list");
        }
        List<String> names = new ArrayList<>();
        double[] mean = new double[features.size()];
        double[] std = new double[features.size()];
        for (int c = 0; c < features.size(); c++) {
            if (!(features.get(c) instanceof Map<?, ?> f) || !(f.get("name") instanceof String name)) {
                throw new IllegalArgumentException("normalizer feature " + c + " has no name");
            }
            names.add(name);
            mean[c] = number(f.get("mean"), name + ".mean");
            std[c] = number(f.get("std"), name + ".std");
        }
        return new Normalizer(names, mean, std, number(Json.at(root, "clamp"), "clamp"));
    }

    private static double number(Object v, String what) {
        if (!(v instanceof Number n)) throw new IllegalArgumentException("normalizer " + what + " is not a number: " + v);
        return n.doubleValue();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalizer n && n.names.equals(names) && Arrays.equals(n.mean, mean)
                && Arrays.equals(n.std, std) && Double.compare(n.clamp, clamp) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(names, Arrays.hashCode(mean), Arrays.hashCode(std), clamp);
    }

    @Override
    public String toString() {
        return "Normalizer" + names + " clamp " + clamp;
    }
}
