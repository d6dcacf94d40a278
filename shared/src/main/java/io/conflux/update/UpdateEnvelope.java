package io.conflux.update;

import static io.conflux.update.RejectionReason.*;

import io.conflux.crypto.RoundKeys;
import io.conflux.identity.Signatures;
import io.conflux.identity.Wallet;
import io.conflux.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SignatureException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one format of a model update on the wire (documented in docs/update-envelope.md).
 *
 * <pre>
 * object    = "CFX1" || HPKE-seal(roundPublicKey, info = "conflux/update/v1 round=" + roundId, plaintext)
 * plaintext = uint32-BE payloadLength || payload || signature(65)
 * payload   = safetensors file: the template's tensors (float32, little-endian) + __metadata__
 * signature = secp256k1 r || s || v over EIP-191 personal_sign(SHA-256(payload))   (32 raw bytes signed)
 * </pre>
 *
 * The content hash of an update is SHA-256(payload): the same update sealed twice has one hash.
 */
public final class UpdateEnvelope {
    public static final byte[] MAGIC = {'C', 'F', 'X', '1'};
    public static final int SIGNATURE_BYTES = 65;

    public static final String META_FORMAT = "conflux.format";
    public static final String META_ROUND = "conflux.round";
    public static final String META_TRADER = "conflux.trader";
    public static final String META_CREATED_AT = "conflux.created_at";
    public static final String META_SAMPLES = "conflux.sample_count";
    public static final String META_TEMPLATE = "conflux.template";
    public static final String META_KIND = "conflux.kind";
    public static final String META_DATA_END = "conflux.data_end";
    public static final String KIND_DELTA = "delta";

    private UpdateEnvelope() {}

    public static byte[] info(String roundId) {
        return ("conflux/update/v1 round=" + roundId).getBytes(StandardCharsets.UTF_8);
    }

    /** Signs the update with the trader's wallet and encrypts it for the round. */
    public static byte[] seal(ModelUpdate update, Wallet trader, byte[] roundPublicKey) {
        if (!trader.address().equals(update.trader())) {
            throw new IllegalArgumentException("the update names trader " + update.trader() + " but is signed by " + trader.address());
        }
        byte[] payload = payload(update);
        byte[] signature = trader.signPersonal(sha256(payload));
        byte[] plaintext = ByteBuffer.allocate(4 + payload.length + SIGNATURE_BYTES)
                .putInt(payload.length).put(payload).put(signature).array();
        return concat(MAGIC, RoundKeys.encrypt(roundPublicKey, plaintext, info(update.roundId())));
    }

    /** The safetensors payload of an update (deterministic: same update, same bytes). */
    public static byte[] payload(ModelUpdate u) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_FORMAT, "1");
        meta.put(META_KIND, KIND_DELTA);
        meta.put(META_ROUND, u.roundId());
        meta.put(META_TRADER, u.trader());
        meta.put(META_CREATED_AT, u.createdAt().toString());
        meta.put(META_SAMPLES, Long.toString(u.sampleCount()));
        meta.put(META_TEMPLATE, u.templateId());
        meta.put(META_DATA_END, u.dataEnd().toString());
        return SafeTensors.write(meta, u.tensors());
    }

    /** The decrypted, still unverified content of an object, with its SHA-256 (computed once: it is both signed and the content hash). */
    public record SignedPayload(byte[] payload, byte[] signature, byte[] digest) {
        public SignedPayload(byte[] payload, byte[] signature) {
            this(payload, signature, sha256(payload));
        }

        public String contentHash() {
            return HexFormat.of().formatHex(digest);
        }

        /** @return the lower-case address that signed the payload */
        public String signer() throws UpdateRejectedException {
            try {
                return Signatures.recoverPersonal(digest, signature);
            } catch (SignatureException e) {
                throw new UpdateRejectedException(BAD_SIGNATURE, e.getMessage());
            }
        }
    }

    /** Steps 1-2 of opening: magic, decryption, framing. */
    public static SignedPayload decrypt(byte[] object, String roundId, byte[] roundPublicKey, byte[] roundPrivateKey)
            throws UpdateRejectedException {
        if (object.length < MAGIC.length || !Arrays.equals(object, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new UpdateRejectedException(NOT_AN_ENVELOPE, "first bytes are not 'CFX1'");
        }
        byte[] plaintext;
        try {
            plaintext = RoundKeys.decrypt(roundPublicKey, roundPrivateKey,
                    Arrays.copyOfRange(object, MAGIC.length, object.length), info(roundId));
        } catch (GeneralSecurityException e) {
            throw new UpdateRejectedException(DECRYPTION_FAILED, "HPKE open failed for round " + roundId);
        }
        if (plaintext.length < 4 + SIGNATURE_BYTES) throw new UpdateRejectedException(MALFORMED_ENVELOPE, "plaintext has only " + plaintext.length + " bytes");
        int len = ByteBuffer.wrap(plaintext).getInt();
        if (len < 0 || len != plaintext.length - 4 - SIGNATURE_BYTES) {
            throw new UpdateRejectedException(MALFORMED_ENVELOPE, "payload length " + len + " does not fit a plaintext of " + plaintext.length + " bytes");
        }
        return new SignedPayload(Arrays.copyOfRange(plaintext, 4, 4 + len), Arrays.copyOfRange(plaintext, 4 + len, plaintext.length));
    }

    /** The payload's metadata, checked for presence and form; tensors stay undecoded. */
    public record Contents(String roundId, String trader, Instant createdAt, long sampleCount, String templateId,
                           SafeTensors.Parsed tensors, Instant dataEnd) {
        public ModelUpdate toUpdate(List<Tensor> decoded) {
            return new ModelUpdate(roundId, trader, createdAt, sampleCount, templateId, decoded, dataEnd);
        }
    }

    public static Contents parse(byte[] payload) throws UpdateRejectedException {
        SafeTensors.Parsed parsed;
        try {
            parsed = SafeTensors.read(payload);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UpdateRejectedException(MALFORMED_PAYLOAD, e.getMessage());
        }
        Map<String, String> m = parsed.metadata();
        if (!"1".equals(m.get(META_FORMAT))) throw new UpdateRejectedException(MALFORMED_PAYLOAD, META_FORMAT + " must be \"1\"");
        if (!KIND_DELTA.equals(m.get(META_KIND))) throw new UpdateRejectedException(MALFORMED_PAYLOAD, META_KIND + " must be \"delta\"");
        for (String k : List.of(META_ROUND, META_TRADER, META_CREATED_AT, META_SAMPLES, META_TEMPLATE, META_DATA_END)) {
            if (m.get(k) == null) throw new UpdateRejectedException(MALFORMED_PAYLOAD, "metadata lacks " + k);
        }
        long samples;
        Instant created;
        Instant dataEnd;
        try {
            samples = Long.parseLong(m.get(META_SAMPLES));
            created = Instant.parse(m.get(META_CREATED_AT));
            dataEnd = Instant.parse(m.get(META_DATA_END));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new UpdateRejectedException(MALFORMED_PAYLOAD, "sample count, creation time or data end is malformed");
        }
        if (samples <= 0) throw new UpdateRejectedException(MALFORMED_PAYLOAD, "sample count must be positive");
        return new Contents(m.get(META_ROUND), m.get(META_TRADER), created, samples, m.get(META_TEMPLATE), parsed, dataEnd);
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
