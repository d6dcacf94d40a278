package io.conflux.identity;

import java.security.SignatureException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.math.BigInteger;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Verification side of {@link Wallet}: who signed a personal_sign message. Addresses and EIP-55
 * checksums are computed here from Keccak-256 directly rather than through web3j's {@code Keys},
 * whose class initializer registers the whole BouncyCastle JCA provider (hundreds of classes) -
 * start-up time the verifying functions do not need to pay.
 */
public final class Signatures {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

    private Signatures() {}

    /**
     * Recovers the lower-case address that produced {@code signature} (r || s || v, 65 bytes, v in
     * {0, 1, 27, 28}) over the EIP-191 personal message {@code message}.
     *
     * @throws SignatureException if the signature is malformed or recovers no key
     */
    public static String recoverPersonal(byte[] message, byte[] signature) throws SignatureException {
        if (signature == null || signature.length != 65) {
            throw new SignatureException("a signature is 65 bytes (r || s || v), got " + (signature == null ? 0 : signature.length));
        }
        byte v = signature[64];
        if (v == 0 || v == 1) v += 27;
        if (v != 27 && v != 28) throw new SignatureException("signature recovery id v must be 27 or 28, got " + signature[64]);
        Sign.SignatureData data = new Sign.SignatureData(v, Arrays.copyOfRange(signature, 0, 32), Arrays.copyOfRange(signature, 32, 64));
        try {
            return address(Sign.signedPrefixedMessageToKey(message, data));
        } catch (RuntimeException e) {
            throw new SignatureException("signature does not recover a public key: " + e.getMessage(), e);
        }
    }

    public static byte[] fromHex(String hex) throws SignatureException {
        try {
            return Numeric.hexStringToByteArray(hex);
        } catch (RuntimeException e) {
            throw new SignatureException("signature is not hex");
        }
    }

    public static String toHex(byte[] bytes) {
        return Numeric.toHexString(bytes);
    }

    public static boolean isAddress(String s) {
        return s != null && ADDRESS.matcher(s).matches();
    }

    /** Checks an EIP-55 address: all-lower or all-upper hex is accepted as is, mixed case must match its checksum. */
    public static boolean isValidChecksum(String s) {
        if (!isAddress(s)) return false;
        String hex = s.substring(2);
        if (hex.equals(hex.toLowerCase(Locale.ROOT)) || hex.equals(hex.toUpperCase(Locale.ROOT))) return true;
        return toChecksum(s).equals(s);
    }

    /** The address of an uncompressed secp256k1 public key (64 bytes x || y): the last 20 bytes of its Keccak-256. */
    public static String address(BigInteger publicKey) {
        byte[] hash = Hash.sha3(Numeric.toBytesPadded(publicKey, 64));
        return Numeric.toHexString(hash, 12, 20, true);
    }

    /** EIP-55: each hex letter upper-cased where the matching nibble of Keccak-256(lower-case hex) is 8 or more. */
    public static String toChecksum(String address) {
        String lower = normalize(address).substring(2);
        String hash = Numeric.toHexStringNoPrefix(Hash.sha3(lower.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        StringBuilder out = new StringBuilder("0x");
        for (int i = 0; i < 40; i++) {
            char c = lower.charAt(i);
            out.append(Character.digit(hash.charAt(i), 16) >= 8 ? Character.toUpperCase(c) : c);
        }
        return out.toString();
    }

    /** The canonical (lower-case) form of an address, or an exception saying why it is not one. */
    public static String normalize(String address) {
        if (!isAddress(address)) throw new IllegalArgumentException("not an Ethereum address: " + address);
        return address.toLowerCase(Locale.ROOT);
    }
}
