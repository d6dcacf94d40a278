package io.conflux.aggregation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * K updates of P floats in a temporary file, memory-mapped one region per update: the heap holds none
 * of them, whatever K is. Written slot by slot (from any thread), then read as an {@link UpdateSource}.
 * The file is deleted on close.
 */
public final class MappedUpdates implements UpdateSource, AutoCloseable {
    private final List<String> ids;
    private final long[] samples;
    private final int dimension;
    private final FileChannel channel;
    private final Path file;
    private FloatBuffer[] regions;
    private final float[] maxAbs;

    /** @param ids canonical order; {@code samples[k]} is update k's weight */
    public MappedUpdates(Path dir, List<String> ids, long[] samples, int dimension) throws IOException {
        this.ids = List.copyOf(ids);
        this.samples = samples.clone();
        this.dimension = dimension;
        this.maxAbs = new float[ids.size()];
        this.file = Files.createTempFile(dir, "updates-", ".f32");
        this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
    }

    /** Writes update {@code k}'s values (thread-safe: positional writes to disjoint regions). */
    public void write(int k, float[] values) throws IOException {
        if (values.length != dimension) throw new IllegalArgumentException("update " + ids.get(k) + " has " + values.length + " values, not " + dimension);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        long pos = (long) k * dimension * 4;
        while (b.hasRemaining()) pos += channel.write(b, pos);
        maxAbs[k] = UpdateSource.maxAbs(values, 0, values.length, 0f);
    }

    /** Noted as the update was written. */
    @Override
    public float maxAbs(int k) {
        return maxAbs[k];
    }

    /** Maps the written file for reading; call once, after every slot is written. */
    public MappedUpdates map() throws IOException {
        FloatBuffer[] r = new FloatBuffer[ids.size()];
        for (int k = 0; k < r.length; k++) {
            MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, (long) k * dimension * 4, (long) dimension * 4);
            r[k] = m.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
        regions = r;
        return this;
    }

    @Override
    public int size() {
        return ids.size();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String id(int k) {
        return ids.get(k);
    }

    @Override
    public long samples(int k) {
        return samples[k];
    }

    @Override
    public void read(int k, int from, int to, float[] dst, int offset) {
        regions[k].get(from, dst, offset, to - from);
    }

    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
