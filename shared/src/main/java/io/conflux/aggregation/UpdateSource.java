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

    default long totalSamples() {
        long n = 0;
        for (int k = 0; k < size(); k++) n = Math.addExact(n, samples(k));
        return n;
    }
}
