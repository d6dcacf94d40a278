package io.conflux.aggregation;

/** Some of a source's updates (a coalition), in the source's canonical order. */
public final class Subset implements UpdateSource {
    private final UpdateSource src;
    private final int[] members;

    /** @param members indexes into {@code src}, ascending */
    public Subset(UpdateSource src, int[] members) {
        if (members.length == 0) throw new IllegalArgumentException("an empty subset has nothing to aggregate");
        this.src = src;
        this.members = members.clone();
    }

    @Override
    public int size() {
        return members.length;
    }

    @Override
    public int dimension() {
        return src.dimension();
    }

    @Override
    public String id(int k) {
        return src.id(members[k]);
    }

    @Override
    public long samples(int k) {
        return src.samples(members[k]);
    }

    @Override
    public float maxAbs(int k) {
        return src.maxAbs(members[k]);
    }

    @Override
    public float[] values(int k) {
        return src.values(members[k]);
    }

    @Override
    public void read(int k, int from, int to, float[] dst, int offset) {
        src.read(members[k], from, to, dst, offset);
    }
}
