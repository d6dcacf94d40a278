package io.conflux.update;

import static io.conflux.update.RejectionReason.*;

import io.conflux.model.ModelTemplate;
import io.conflux.model.Tensor;
import io.conflux.model.TensorSpec;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundPolicy;
import io.conflux.rounds.UploadKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Every check an uploaded object passes before it counts, in this order: size; decryption; signature
 * (signer is the trader in the key, and is registered); payload form and metadata; round open and
 * upload before the deadline; tensors exactly the template's; all values finite; norm within bound.
 * Replay checks need the ledger of decided updates and are done atomically by the caller.
 *
 * <p>Nothing here executes or reflectively deserializes uploaded bytes: the payload is safetensors,
 * read by a bounded parser into float arrays.
 */
public final class UpdateVerifier {

    private UpdateVerifier() {}

    /** A verified update, ready to record as accepted. */
    public record Verified(ModelUpdate update, String contentHash, double norm) {}

    /** Checked before the object is even read. */
    public static void checkSize(Round round, long size) throws UpdateRejectedException {
        if (size > round.maxUpdateBytes()) {
            throw new UpdateRejectedException(TOO_LARGE, size + " bytes > " + round.maxUpdateBytes() + " allowed in round " + round.roundId());
        }
    }

    public static Verified verify(Round round, byte[] roundPrivateKey, UploadKey key, byte[] object, Instant uploadedAt,
                                  Predicate<String> isRegistered) throws UpdateRejectedException {
        checkSize(round, object.length);
        UpdateEnvelope.SignedPayload signed = UpdateEnvelope.decrypt(object, round.roundId(), round.publicKey(), roundPrivateKey);
        String signer = signed.signer();
        if (!signer.equals(key.trader())) throw new UpdateRejectedException(SIGNER_MISMATCH, "signed by " + signer + ", uploaded as " + key.trader());
        if (!isRegistered.test(signer)) throw new UpdateRejectedException(SIGNER_NOT_REGISTERED, signer + " has never signed in");
        UpdateEnvelope.Contents contents = UpdateEnvelope.parse(signed.payload());
        if (!contents.roundId().equals(key.roundId()) || !contents.trader().equals(key.trader())) {
            throw new UpdateRejectedException(METADATA_MISMATCH, "update says round " + contents.roundId() + " trader " + contents.trader()
                    + ", key says round " + key.roundId() + " trader " + key.trader());
        }
        if (!round.acceptsAt(uploadedAt)) {
            if (!uploadedAt.isBefore(round.deadline())) {
                throw new UpdateRejectedException(LATE, "uploaded at " + uploadedAt + ", deadline was " + round.deadline());
            }
            throw new UpdateRejectedException(ROUND_NOT_OPEN, "round " + round.roundId() + " is " + round.status());
        }
        if (!contents.dataEnd().isBefore(round.policy().validation().from())) {
            throw new UpdateRejectedException(OVERLAPS_VALIDATION, "training data ends " + contents.dataEnd() + ", the validation window of round "
                    + round.roundId() + " starts " + round.policy().validation().from());
        }
        List<Tensor> tensors = checkTemplate(round.template(), contents);
        checkFinite(tensors);
        ModelUpdate update = contents.toUpdate(tensors);
        double norm = update.l2Norm();
        if (norm > round.normBound()) {
            throw new UpdateRejectedException(NORM_EXCEEDED, "L2 norm " + norm + " > bound " + round.normBound());
        }
        RoundPolicy.Privacy dp = round.policy().privacy();
        if (dp != null && norm < dp.noiseFloor(round.template().parameterCount())) {
            throw new UpdateRejectedException(DP_NOISE_MISSING, String.format("L2 norm %s < %.4f, 90%% of the norm of the noise the round requires "
                    + "(clip %s, noise multiplier %s, %d values)", norm, dp.noiseFloor(round.template().parameterCount()), dp.clip(), dp.noiseMultiplier(),
                    round.template().parameterCount()));
        }
        return new Verified(update, signed.contentHash(), norm);
    }

    /** Names, shapes and dtype exactly as the template says; nothing missing, nothing extra. Returns the tensors in template order. */
    public static List<Tensor> checkTemplate(ModelTemplate template, UpdateEnvelope.Contents contents) throws UpdateRejectedException {
        if (!template.id().equals(contents.templateId())) {
            throw new UpdateRejectedException(TEMPLATE_MISMATCH, "update is for template " + contents.templateId() + ", the round trains " + template.id());
        }
        Map<String, SafeTensors.Entry> byName = new HashMap<>();
        for (SafeTensors.Entry e : contents.tensors().entries()) byName.put(e.name(), e);
        List<Tensor> out = new ArrayList<>();
        for (TensorSpec spec : template.tensors()) {
            SafeTensors.Entry e = byName.remove(spec.name());
            if (e == null) throw new UpdateRejectedException(TEMPLATE_MISMATCH, "tensor " + spec.name() + " is missing");
            if (!spec.dtype().name().equals(e.dtype())) throw new UpdateRejectedException(TEMPLATE_MISMATCH, "tensor " + spec.name() + " is " + e.dtype() + ", expected " + spec.dtype());
            if (!spec.matches(e.shape())) {
                throw new UpdateRejectedException(TEMPLATE_MISMATCH, "tensor " + spec.name() + " has shape " + Arrays.toString(e.shape()) + ", expected " + Arrays.toString(spec.shape()));
            }
            out.add(contents.tensors().tensor(e));
        }
        if (!byName.isEmpty()) throw new UpdateRejectedException(TEMPLATE_MISMATCH, "unexpected tensors " + byName.keySet());
        return out;
    }

    static void checkFinite(List<Tensor> tensors) throws UpdateRejectedException {
        for (Tensor t : tensors) {
            float[] v = t.values();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) throw new UpdateRejectedException(NON_FINITE, t.name() + "[" + i + "] = " + v[i]);
            }
        }
    }
}
