package io.conflux.federation;

import io.conflux.aggregation.AggregationStrategy;
import io.conflux.aggregation.CoordinateStatistic;
import io.conflux.aggregation.FedAvg;
import io.conflux.aggregation.MultiKrum;
import io.conflux.aggregation.NormClipping;
import io.conflux.aggregation.Strategies;
import io.conflux.platform.Json;
import io.conflux.update.UploadRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a closed round aggregates and how the work is cut: the accepted updates in canonical order
 * (by content hash), cut into batches of consecutive updates for the decode fan-out, and the
 * coordinates cut into shards for the robust statistics. Written once when the round closes; every
 * later step reads it, so a re-driven step sees exactly the same plan.
 *
 * <p>The shard width depends only on K and P (a memory budget of K x width floats per worker), never
 * on the batch size, so the result of every rule is the same however the updates are batched.
 *
 * @param kind        SUM: FedAvg, batches produce exact partial sums; COORDINATE: median / trimmed mean,
 *                    shards reduce; KRUM: shards produce partial distance matrices, then the selected average
 * @param clipNorm    the clipping pre-step's maximum L2 norm, or 0 for none
 * @param scaleBits   FedAvg's round-wide fixed-point scale (from the value bound and the total samples)
 */
public record RoundPlan(String roundId, String templateId, String rule, Kind kind, double clipNorm, double valueBound,
                        int dimension, int batchSize, int shardWidth, int scaleBits, String baseModel, List<Entry> updates) {

    public enum Kind { SUM, COORDINATE, KRUM }

    /** Multi-Krum's pairwise distances are K x K per shard: beyond this K use a coordinate rule. */
    public static final int MAX_KRUM_UPDATES = 2_000;

    /** One accepted update, as the ledger recorded it. */
    public record Entry(String contentHash, String trader, String uploadId, String objectKey, String versionId, long samples) {}

    public static RoundPlan of(String roundId, String templateId, String rule, double valueBound, int dimension,
                               int batchSize, long shardBudgetFloats, String baseModel, List<UploadRecord> accepted) {
        if (batchSize < 1) throw new IllegalArgumentException("the batch size must be positive");
        List<Entry> entries = accepted.stream()
                .sorted(java.util.Comparator.comparing(UploadRecord::contentHash))
                .map(r -> new Entry(r.contentHash(), r.trader(), r.uploadId(), r.objectKey(), r.versionId(), r.sampleCount()))
                .toList();
        int k = entries.size();
        if (k == 0) throw new IllegalArgumentException("a plan needs at least one update");
        AggregationStrategy s = Strategies.parse(rule, valueBound);
        double clip = 0;
        if (s instanceof NormClipping c) {
            clip = c.maxNorm();
            s = c.inner();
        }
        Kind kind = switch (s) {
            case FedAvg f -> Kind.SUM;
            case CoordinateStatistic c -> Kind.COORDINATE;
            case MultiKrum m -> Kind.KRUM;
            default -> throw new IllegalArgumentException("no fan-out for rule " + rule);
        };
        if (kind == Kind.KRUM && k > MAX_KRUM_UPDATES) {
            throw new IllegalArgumentException("Multi-Krum's K x K distances are not planned beyond " + MAX_KRUM_UPDATES + " updates (got " + k + ")");
        }
        long samples = entries.stream().mapToLong(Entry::samples).sum();
        int width = (int) Math.max(256, Math.min(dimension, shardBudgetFloats / k));
        return new RoundPlan(roundId, templateId, rule, kind, clip, valueBound, dimension, batchSize, width,
                FedAvg.scaleBits(valueBound, samples), baseModel, entries);
    }

    public int size() {
        return updates.size();
    }

    public int batches() {
        return (size() + batchSize - 1) / batchSize;
    }

    public int batchStart(int b) {
        check(b, batches(), "batch");
        return b * batchSize;
    }

    public int batchEnd(int b) {
        return Math.min(size(), batchStart(b) + batchSize);
    }

    public int shards() {
        return (dimension + shardWidth - 1) / shardWidth;
    }

    public int shardStart(int s) {
        check(s, shards(), "shard");
        return s * shardWidth;
    }

    public int shardEnd(int s) {
        return Math.min(dimension, shardStart(s) + shardWidth);
    }

    /** The strategy itself (without clipping, which the fan-out applies from each update's norm). */
    public AggregationStrategy innerStrategy() {
        AggregationStrategy s = Strategies.parse(rule, valueBound);
        return s instanceof NormClipping c ? c.inner() : s;
    }

    /** The factor update {@code k} is multiplied by before aggregating: maxNorm / norm when clipped, else 1. */
    public float clipScale(double norm) {
        return clipNorm > 0 ? NormClipping.scale(clipNorm, norm) : 1f;
    }

    private static void check(int i, int n, String what) {
        if (i < 0 || i >= n) throw new IllegalArgumentException(what + " " + i + " is not in [0, " + n + ")");
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("roundId", roundId);
        m.put("templateId", templateId);
        m.put("rule", rule);
        m.put("kind", kind.name());
        m.put("clipNorm", clipNorm);
        m.put("valueBound", valueBound);
        m.put("dimension", dimension);
        m.put("batchSize", batchSize);
        m.put("shardWidth", shardWidth);
        m.put("scaleBits", scaleBits);
        m.put("baseModel", baseModel);
        List<Object> list = new ArrayList<>();
        for (Entry e : updates) {
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("contentHash", e.contentHash());
            u.put("trader", e.trader());
            u.put("uploadId", e.uploadId());
            u.put("objectKey", e.objectKey());
            u.put("versionId", e.versionId());
            u.put("samples", e.samples());
            list.add(u);
        }
        m.put("updates", list);
        return Json.write(m);
    }

    public static RoundPlan fromJson(String json) throws IOException {
        Map<String, Object> m = Json.object(json);
        List<Entry> entries = new ArrayList<>();
        for (Object o : (List<?>) m.get("updates")) {
            Map<?, ?> u = (Map<?, ?>) o;
            entries.add(new Entry((String) u.get("contentHash"), (String) u.get("trader"), (String) u.get("uploadId"),
                    (String) u.get("objectKey"), (String) u.get("versionId"), ((Number) u.get("samples")).longValue()));
        }
        return new RoundPlan((String) m.get("roundId"), (String) m.get("templateId"), (String) m.get("rule"),
                Kind.valueOf((String) m.get("kind")), num(m, "clipNorm"), num(m, "valueBound"), (int) lng(m, "dimension"),
                (int) lng(m, "batchSize"), (int) lng(m, "shardWidth"), (int) lng(m, "scaleBits"), (String) m.get("baseModel"),
                List.copyOf(entries));
    }

    private static double num(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).doubleValue();
    }

    private static long lng(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).longValue();
    }
}
