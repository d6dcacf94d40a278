package io.conflux.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local runtime's stand-in for KMS: AES-256-GCM under a 32-byte key kept in a file readable only
 * by its owner (created on first use). Output: 12-byte nonce || ciphertext+tag; AAD is the round id.
 */
public final class LocalKeyFileProtector implements KeyProtector {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    public LocalKeyFileProtector(Path keyFile) {
        this.key = new SecretKeySpec(loadOrCreate(keyFile), "AES");
    }

    @Override
    public byte[] protect(byte[] privateKey, String roundId) throws GeneralSecurityException {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        c.updateAAD(roundId.getBytes(StandardCharsets.UTF_8));
        byte[] ct = c.doFinal(privateKey);
        return ByteBuffer.allocate(12 + ct.length).put(nonce).put(ct).array();
    }

    @Override
    public byte[] unprotect(byte[] wrapped, String roundId) throws GeneralSecurityException {
        if (wrapped.length < 12 + 16) throw new GeneralSecurityException("wrapped key is too short");
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, wrapped, 0, 12));
        c.updateAAD(roundId.getBytes(StandardCharsets.UTF_8));
        return c.doFinal(wrapped, 12, wrapped.length - 12);
    }

    private static byte[] loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                byte[] k = Base64.getDecoder().decode(Files.readString(file).trim());
                if (k.length != 32) throw new IllegalStateException("key file " + file + " does not hold a 32-byte key");
                return k;
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            Files.writeString(file, Base64.getEncoder().encodeToString(k), StandardOpenOption.CREATE_NEW);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the file still works
            }
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the local key file " + file, e);
        }
    }
}
