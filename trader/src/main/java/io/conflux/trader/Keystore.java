package io.conflux.trader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conflux.identity.Wallet;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The wallet key at rest: an Ethereum keystore (Web3 Secret Storage, version 3), the file geth, MetaMask
 * and web3j read and write. The passphrase is stretched with scrypt (pbkdf2 files are read too), the key
 * is encrypted with AES-128-CTR, and a Keccak-256 MAC over the second half of the derived key and the
 * ciphertext tells a wrong passphrase from a right one before anything is decrypted.
 */
public final class Keystore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    /** scrypt's cost: {@link #STANDARD} is geth's default (256 MiB; 0.8-1.3 s here with BouncyCastle); tests use a light one. */
    public record Kdf(int n, int r, int p) {
        public static final Kdf STANDARD = new Kdf(1 << 18, 8, 1);

        public Kdf {
            if (n < 2 || (n & (n - 1)) != 0 || r < 1 || p < 1) throw new IllegalArgumentException("scrypt needs n a power of two > 1, r >= 1, p >= 1");
        }
    }

    /** The file is not a keystore, or the passphrase does not open it. */
    public static final class KeystoreException extends Exception {
        KeystoreException(String message) {
            super(message);
        }
    }

    private Keystore() {}

    public static String encrypt(Wallet wallet, char[] passphrase, Kdf kdf) {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[32], iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        byte[] derived = SCrypt.generate(utf8(passphrase), salt, kdf.n(), kdf.r(), kdf.p(), 32);
        byte[] key = wallet.privateKey();
        try {
            byte[] cipherText = aesCtr(Cipher.ENCRYPT_MODE, derived, iv, key);
            ObjectNode root = JSON.createObjectNode();
            root.put("address", wallet.address().substring(2));
            ObjectNode crypto = root.putObject("crypto");
            crypto.put("cipher", "aes-128-ctr");
            crypto.putObject("cipherparams").put("iv", HEX.formatHex(iv));
            crypto.put("ciphertext", HEX.formatHex(cipherText));
            crypto.put("kdf", "scrypt");
            crypto.putObject("kdfparams").put("dklen", 32).put("n", kdf.n()).put("r", kdf.r()).put("p", kdf.p()).put("salt", HEX.formatHex(salt));
            crypto.put("mac", HEX.formatHex(mac(derived, cipherText)));
            root.put("id", UUID.randomUUID().toString());
            root.put("version", 3);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(derived, (byte) 0);
        }
    }

    public static Wallet decrypt(String json, char[] passphrase) throws KeystoreException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new KeystoreException("not a keystore file (not JSON: " + e.getOriginalMessage() + ")");
        }
        if (root == null || root.path("version").asInt() != 3) throw new KeystoreException("not a version 3 keystore file");
        JsonNode c = root.has("crypto") ? root.get("crypto") : root.path("Crypto");
        if (!"aes-128-ctr".equals(c.path("cipher").asText())) throw new KeystoreException("unsupported cipher '" + c.path("cipher").asText() + "' (aes-128-ctr expected)");
        JsonNode kp = c.path("kdfparams");
        byte[] salt = hex(kp, "salt");
        int dklen = kp.path("dklen").asInt(32);
        if (dklen < 32) throw new KeystoreException("kdfparams.dklen must be at least 32");
        byte[] derived = switch (c.path("kdf").asText()) {
            case "scrypt" -> {
                try {
                    yield SCrypt.generate(utf8(passphrase), salt, kp.path("n").asInt(), kp.path("r").asInt(), kp.path("p").asInt(), dklen);
                } catch (IllegalArgumentException e) {
                    throw new KeystoreException("scrypt parameters n=" + kp.path("n").asInt() + " r=" + kp.path("r").asInt() + " p=" + kp.path("p").asInt()
                            + " are outside RFC 7914 (" + e.getMessage() + "); re-export the key with standard parameters");
                }
            }
            case "pbkdf2" -> {
                if (!"hmac-sha256".equals(kp.path("prf").asText())) throw new KeystoreException("unsupported pbkdf2 prf '" + kp.path("prf").asText() + "'");
                PKCS5S2ParametersGenerator g = new PKCS5S2ParametersGenerator(new SHA256Digest());
                g.init(utf8(passphrase), salt, kp.path("c").asInt());
                yield ((KeyParameter) g.generateDerivedParameters(dklen * 8)).getKey();
            }
            default -> throw new KeystoreException("unsupported kdf '" + c.path("kdf").asText() + "' (scrypt or pbkdf2 expected)");
        };
        try {
            byte[] cipherText = hex(c, "ciphertext");
            if (!MessageDigest.isEqual(mac(derived, cipherText), hex(c, "mac"))) throw new KeystoreException("wrong passphrase (the keystore's MAC does not match)");
            byte[] key = aesCtr(Cipher.DECRYPT_MODE, derived, hex(c.path("cipherparams"), "iv"), cipherText);
            try {
                Wallet w = Wallet.fromPrivateKey(key);
                String declared = root.path("address").asText("");
                if (!declared.isEmpty() && !w.address().equals("0x" + declared.toLowerCase(java.util.Locale.ROOT).replaceFirst("^0x", ""))) {
                    throw new KeystoreException("the key opens, but belongs to " + w.address() + ", not to the file's address 0x" + declared);
                }
                return w;
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        } catch (IllegalArgumentException e) {
            throw new KeystoreException("damaged keystore: " + e.getMessage());
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    private static byte[] mac(byte[] derived, byte[] cipherText) {
        KeccakDigest k = new KeccakDigest(256);
        k.update(derived, 16, 16);
        k.update(cipherText, 0, cipherText.length);
        byte[] out = new byte[32];
        k.doFinal(out, 0);
        return out;
    }

    private static byte[] aesCtr(int mode, byte[] derived, byte[] iv, byte[] in) {
        try {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(mode, new SecretKeySpec(derived, 0, 16, "AES"), new IvParameterSpec(iv));
            return aes.doFinal(in);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-128-CTR is unavailable", e);
        }
    }

    private static byte[] hex(JsonNode n, String field) throws KeystoreException {
        String s = n.path(field).asText("");
        try {
            if (s.isEmpty()) throw new IllegalArgumentException("missing");
            return HEX.parseHex(s.startsWith("0x") ? s.substring(2) : s);
        } catch (IllegalArgumentException e) {
            throw new KeystoreException("keystore field '" + field + "' is missing or not hex");
        }
    }

    private static byte[] utf8(char[] passphrase) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
