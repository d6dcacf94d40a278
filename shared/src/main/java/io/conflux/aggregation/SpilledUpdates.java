package io.conflux.aggregation;

import io.conflux.model.Tensor;
import io.conflux.rounds.Round;
import io.conflux.update.ObjectReader;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UpdateRejectedException;
import io.conflux.update.UpdateVerifier;
import io.conflux.update.UploadRecord;
import io.conflux.update.UploadStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A round's accepted updates as an {@link UpdateSource}, read back from the updates bucket and kept
 * outside the heap: each object (the version the ledger recorded) is decrypted, its content hash must
 * equal the one recorded when it was accepted, its tensors are decoded in template order and written
 * to a file that is then memory-mapped, one region per update. The heap holds one update per reader
 * thread at a time, whatever K is; the robust strategies read the file by coordinate range.
 *
 * <p>Only updates the ledger says ACCEPTED are read; canonical order is by content hash.
 */
public final class SpilledUpdates implements UpdateSource, AutoCloseable {
    private final List<UploadRecord> updates;
    private final int dimension;
    private final FileChannel channel;
    private final Path file;
    private final List<FloatBuffer> regions = new ArrayList<>();

    private SpilledUpdates(List<UploadRecord> updates, int dimension, FileChannel channel, Path file) {
        this.updates = updates;
        this.dimension = dimension;
        this.channel = channel;
        this.file = file;
    }

    /**
     * @param threads how many objects are fetched and decoded at once (I/O overlaps decryption)
     * @throws IllegalStateException if an accepted object is missing or no longer what was accepted
     */
    public static SpilledUpdates load(Round round, byte[] roundPrivateKey, List<UploadRecord> ledger, ObjectReader objects,
                                      Path dir, int threads) throws IOException {
        List<UploadRecord> accepted = ledger.stream().filter(r -> r.status() == UploadStatus.ACCEPTED)
                .sorted(Comparator.comparing(UploadRecord::contentHash)).toList();
        if (accepted.isEmpty()) throw new IllegalStateException("round " + round.roundId() + " has no accepted update");
        int p = Math.toIntExact(round.template().parameterCount());
        Path file = Files.createTempFile(dir, "round-" + round.roundId() + "-", ".f32");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
        SpilledUpdates out = new SpilledUpdates(accepted, p, channel, file);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int k = 0; k < accepted.size(); k++) {
                int slot = k;
                jobs.add(pool.submit(() -> {
                    out.write(slot, decode(round, roundPrivateKey, accepted.get(slot), objects));
                    return null;
                }));
            }
            for (Future<?> j : jobs) j.get();
        } catch (Exception e) {
            out.close();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            if (cause instanceof IllegalStateException ise) throw ise;
            if (cause instanceof IOException io) throw io;
            throw new IllegalStateException("could not load the updates of round " + round.roundId(), cause);
        } finally {
            pool.shutdownNow();
        }
        for (int k = 0; k < accepted.size(); k++) {
            MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, (long) k * p * 4, (long) p * 4);
            out.regions.add(m.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        }
        return out;
    }

    private static float[] decode(Round round, byte[] key, UploadRecord r, ObjectReader objects) throws IOException {
        byte[] bytes = objects.read(r.objectKey(), r.versionId(), round.maxUpdateBytes());
        try {
            UpdateEnvelope.SignedPayload signed = UpdateEnvelope.decrypt(bytes, round.roundId(), round.publicKey(), key);
            if (!signed.contentHash().equals(r.contentHash())) {
                throw new IllegalStateException("object " + r.objectKey() + " is not the update accepted as " + r.contentHash());
            }
            return Tensor.flatten(UpdateVerifier.checkTemplate(round.template(), UpdateEnvelope.parse(signed.payload())));
        } catch (UpdateRejectedException e) {
            throw new IllegalStateException("accepted update " + r.contentHash() + " no longer verifies: " + e.getMessage(), e);
        }
    }

    private void write(int k, float[] values) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        long pos = (long) k * dimension * 4;
        while (b.hasRemaining()) pos += channel.write(b, pos);
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
        return updates.get(k).contentHash();
    }

    @Override
    public long samples(int k) {
        return updates.get(k).sampleCount();
    }

    /** The ledger record behind update {@code k} (trader, object, hash): what the aggregation receipt lists. */
    public UploadRecord record(int k) {
        return updates.get(k);
    }

    @Override
    public void read(int k, int from, int to, float[] dst, int offset) {
        regions.get(k).get(from, dst, offset, to - from);
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
