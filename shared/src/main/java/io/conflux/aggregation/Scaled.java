package io.conflux.aggregation;

/**
 * A source whose updates are multiplied by per-update factors as they are read (float32 products):
 * how norm clipping scales an update without copying it. Factors of 1 leave an update untouched.
 */
public final class Scaled implements UpdateSource {
    private final UpdateSource src;
    private final float[] scale;

    public Scaled(UpdateSource src, float[] scale) {
        if (scale.length != src.size()) throw new IllegalArgumentException("one factor per update");
        this.src = src;
        this.scale = scale.clone();
    }

    public float scale(int k) {
        return scale[k];
    }

    @Override
    public int size() {
        return src.size();
    }

    @Override
    public int dimension() {
        return src.dimension();
    }

    @Override
    public String id(int k) {
        return src.id(k);
    }

    @Override
    public long samples(int k) {
        return src.samples(k);
    }

    /** Rounding is monotonic: the largest scaled magnitude is the largest magnitude, scaled. */
    @Override
    public float maxAbs(int k) {
        return scale[k] == 1f ? src.maxAbs(k) : src.maxAbs(k) * scale[k];
    }

    @Override
    public float[] values(int k) {
        return scale[k] == 1f ? src.values(k) : null;
    }

    @Override
    public void read(int k, int from, int to, float[] dst, int offset) {
        src.read(k, from, to, dst, offset);
        float s = scale[k];
        if (s != 1f) {
            for (int i = offset; i < offset + (to - from); i++) dst[i] *= s;
        }
    }
}
