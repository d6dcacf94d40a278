package io.conflux.aggregation;

/**
 * The accepted updates of a round as an aggregation reads them: K updates of P float32 values each
 * (the template's tensors flattened in template order), each with an id (its content hash) and a
 * weight (its sample count).
 *
 * <p>Strategies read coordinate ranges, not whole updates, so that robust statistics can work shard by
 * shard: memory O(K x shard) instead of O(K x P). A source may be read any number of times.
 */
public interface UpdateSource {
    int size();

    int dimension();

    String id(int k);

    long samples(int k);

    /** Copies values {@code [from, to)} of update {@code k} into {@code dst} starting at {@code offset}. */
    void read(int k, int from, int to, float[] dst, int offset);

    /**
     * The largest magnitude of update {@code k}'s values; NaN if it holds a NaN. Sources that keep their
     * values cache it, so a value bound is checked once per update rather than on every aggregation.
     */
    default float maxAbs(int k) {
        return UpdateSource.scanMaxAbs(this, k);
    }

    /**
     * Update {@code k}'s values when the source holds them as one array (read-only to the caller: no
     * copy is made); null when values must be {@link #read}.
     */
    default float[] values(int k) {
        return null;
    }

    /** {@link #maxAbs} by reading the update in chunks. */
    static float scanMaxAbs(UpdateSource src, int k) {
        int p = src.dimension();
        float[] buf = new float[Math.min(p, 1 << 16)];
        float max = 0;
        for (int from = 0; from < p; from += buf.length) {
            int to = Math.min(p, from + buf.length);
            src.read(k, from, to, buf, 0);
            max = maxAbs(buf, 0, to - from, max);
        }
        return max;
    }

    /** max(start, |v|) over {@code v[from, to)}; NaN once any value is NaN. */
    static float maxAbs(float[] v, int from, int to, float start) {
        float max = start;
        for (int i = from; i < to; i++) max = Math.max(max, Math.abs(v[i]));
        return max;
    }

    default long totalSamples() {
        long n = 0;
        for (int k = 0; k < size(); k++) n = Math.addExact(n, samples(k));
        return n;
    }
}
