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
import java.nio.file.Path;
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
    private final MappedUpdates mapped;

    private SpilledUpdates(List<UploadRecord> updates, MappedUpdates mapped) {
        this.updates = updates;
        this.mapped = mapped;
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
        MappedUpdates out = new MappedUpdates(dir, accepted.stream().map(UploadRecord::contentHash).toList(),
                accepted.stream().mapToLong(UploadRecord::sampleCount).toArray(), p);
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
        return new SpilledUpdates(accepted, out.map());
    }

    /**
     * One accepted update, read back and checked: the object (the version the ledger recorded) must
     * decrypt with the round's key and hash to the content hash recorded when it was accepted.
     */
    public static float[] decode(Round round, byte[] key, UploadRecord r, ObjectReader objects) throws IOException {
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

    @Override
    public int size() {
        return updates.size();
    }

    @Override
    public int dimension() {
        return mapped.dimension();
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
        mapped.read(k, from, to, dst, offset);
    }

    @Override
    public float maxAbs(int k) {
        return mapped.maxAbs(k);
    }

    @Override
    public void close() {
        mapped.close();
    }
}
