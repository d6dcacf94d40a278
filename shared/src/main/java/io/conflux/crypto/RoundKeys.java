package io.conflux.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.hybrid.internal.HpkeDecrypt;
import com.google.crypto.tink.hybrid.internal.HpkeEncrypt;
import com.google.crypto.tink.subtle.X25519;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;

/**
 * A round's encryption key: HPKE (RFC 9180) in base mode with DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256 and AES-256-GCM, through Tink. Traders encrypt to the round's public key (32 bytes,
 * published with the round); only the round's aggregation holds the private key.
 *
 * <p>The primitives are built straight from the key objects (Tink's {@code HpkeEncrypt}/{@code HpkeDecrypt}),
 * not through a registry and keyset: same algorithm, without the registry's protobuf round trip on
 * every call and at start-up (a cold-start cost on Lambda).
 *
 * <p>Ciphertext layout (Tink's NO_PREFIX variant = plain RFC 9180 single-shot): {@code enc (32 bytes) ||
 * AEAD ciphertext}; HPKE {@code info} is the context string, AAD is empty. Any RFC 9180 library with
 * that suite reads and writes it.
 */
public final class RoundKeys {
    public static final int PUBLIC_KEY_BYTES = 32;

    private static final HpkeParameters SUITE = suite();

    private RoundKeys() {}

    /** A fresh X25519 key pair. */
    public record KeyPair(byte[] publicKey, byte[] privateKey) {}

    public static KeyPair generate() {
        try {
            byte[] priv = X25519.generatePrivateKey();
            return new KeyPair(X25519.publicFromPrivate(priv), priv);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is unavailable", e);
        }
    }

    public static byte[] encrypt(byte[] publicKey, byte[] plaintext, byte[] info) {
        try {
            return HpkeEncrypt.create(HpkePublicKey.create(SUITE, Bytes.copyFrom(publicKey), null)).encrypt(plaintext, info);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot encrypt to this round key: " + e.getMessage(), e);
        }
    }

    /** @throws GeneralSecurityException if the ciphertext was not made for this key and info, or was altered */
    public static byte[] decrypt(byte[] publicKey, byte[] privateKey, byte[] ciphertext, byte[] info) throws GeneralSecurityException {
        HpkePublicKey pub = HpkePublicKey.create(SUITE, Bytes.copyFrom(publicKey), null);
        HpkePrivateKey priv = HpkePrivateKey.create(pub, SecretBytes.copyFrom(privateKey, InsecureSecretKeyAccess.get()));
        return HpkeDecrypt.create(priv).decrypt(ciphertext, info);
    }

    private static HpkeParameters suite() {
        try {
            return HpkeParameters.builder()
                    .setVariant(HpkeParameters.Variant.NO_PREFIX)
                    .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
                    .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
                    .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
