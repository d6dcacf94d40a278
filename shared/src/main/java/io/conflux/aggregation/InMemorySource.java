package io.conflux.aggregation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Updates held as float arrays, in canonical order (by id), for tests, benchmarks and small rounds.
 * Canonical order makes every strategy independent of the order updates arrived in.
 */
public final class InMemorySource implements UpdateSource {

    /** One update: its id (content hash), weight (sample count) and flattened values. */
    public record Update(String id, long samples, float[] values) {}

    private final List<Update> updates;
    private final int dimension;
    private final float[] maxAbs;

    public InMemorySource(List<Update> updates) {
        if (updates.isEmpty()) throw new IllegalArgumentException("nothing to aggregate");
        List<Update> sorted = new ArrayList<>(updates);
        sorted.sort(Comparator.comparing(Update::id));
        for (int k = 1; k < sorted.size(); k++) {
            if (sorted.get(k).id().equals(sorted.get(k - 1).id())) throw new IllegalArgumentException("update " + sorted.get(k).id() + " appears twice");
        }
        this.dimension = sorted.get(0).values().length;
        for (Update u : sorted) {
            if (u.values().length != dimension) throw new IllegalArgumentException("update " + u.id() + " has " + u.values().length + " values, not " + dimension);
            if (u.samples() <= 0) throw new IllegalArgumentException("update " + u.id() + " has no samples");
        }
        this.updates = List.copyOf(sorted);
        this.maxAbs = new float[sorted.size()];
        java.util.Arrays.fill(maxAbs, -1f); // not computed yet
    }

    /** Computed on first use and kept: the arrays are not to be changed once given to a source. */
    @Override
    public float maxAbs(int k) {
        float m = maxAbs[k];
        if (m < 0) {
            float[] v = updates.get(k).values();
            m = UpdateSource.maxAbs(v, 0, v.length, 0f);
            maxAbs[k] = m;
        }
        return m;
    }

    @Override
    public float[] values(int k) {
        return updates.get(k).values();
    }

    @Override
    public int size() {
        return updates.size();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String id(int k) {
        return updates.get(k).id();
    }

    @Override
    public long samples(int k) {
        return updates.get(k).samples();
    }

    @Override
    public void read(int k, int from, int to, float[] dst, int offset) {
        System.arraycopy(updates.get(k).values(), from, dst, offset, to - from);
    }
}
