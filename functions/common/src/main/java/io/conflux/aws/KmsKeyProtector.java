package io.conflux.aws;

import io.conflux.crypto.KeyProtector;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Round private keys encrypted by a KMS key, with the round id as encryption context: the wrapped
 * key opens only for its own round, and every unwrap is in CloudTrail.
 */
public final class KmsKeyProtector implements KeyProtector {
    private final Supplier<KmsClient> kms;
    private final String keyId;

    /** The client is created on first use: most invocations never touch a round key. */
    public KmsKeyProtector(Supplier<KmsClient> kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public byte[] protect(byte[] privateKey, String roundId) throws GeneralSecurityException {
        try {
            return kms.get().encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromByteArray(privateKey))
                    .encryptionContext(Map.of("conflux:round", roundId))).ciphertextBlob().asByteArray();
        } catch (KmsException e) {
            throw new GeneralSecurityException("KMS could not encrypt the round key: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] unprotect(byte[] wrapped, String roundId) throws GeneralSecurityException {
        try {
            return kms.get().decrypt(r -> r.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                    .encryptionContext(Map.of("conflux:round", roundId))).plaintext().asByteArray();
        } catch (KmsException e) {
            throw new GeneralSecurityException("KMS could not decrypt the round key: " + e.getMessage(), e);
        }
    }
}
