package io.conflux.identity;

import java.math.BigInteger;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.SecureRandom;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * An Ethereum (secp256k1) key pair: a trader's identity, or the platform's. Signs EIP-191
 * {@code personal_sign} messages, the kind every wallet can produce. web3j stays inside this class.
 */
public final class Wallet {
    private final ECKeyPair keys;
    private final String address;

    private Wallet(ECKeyPair keys) {
        this.keys = keys;
        this.address = Signatures.address(keys.getPublicKey());
    }

    public static Wallet create() {
        try {
            return new Wallet(Keys.createEcKeyPair(new SecureRandom()));
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new IllegalStateException("secp256k1 key generation is unavailable", e);
        }
    }

    /** @param privateKey 32 bytes, big-endian */
    public static Wallet fromPrivateKey(byte[] privateKey) {
        if (privateKey.length != 32) throw new IllegalArgumentException("a private key is 32 bytes");
        return new Wallet(ECKeyPair.create(new BigInteger(1, privateKey)));
    }

    public static Wallet fromPrivateKeyHex(String hex) {
        return fromPrivateKey(Numeric.hexStringToByteArray(hex));
    }

    /** Lower-case, 0x-prefixed: the form Conflux stores and compares. */
    public String address() {
        return address;
    }

    /** EIP-55 mixed-case form, for messages people read (SIWE requires it). */
    public String checksumAddress() {
        return Signatures.toChecksum(address);
    }

    public byte[] privateKey() {
        return Numeric.toBytesPadded(keys.getPrivateKey(), 32);
    }

    /** The key as 0x-prefixed hex, for writing it to a protected store (never to logs). */
    public String privateKeyHex() {
        return Numeric.toHexStringWithPrefixZeroPadded(keys.getPrivateKey(), 64);
    }

    /** EIP-191 personal_sign: returns r(32) || s(32) || v(1), v in {27, 28}. */
    public byte[] signPersonal(byte[] message) {
        Sign.SignatureData sig = Sign.signPrefixedMessage(message, keys);
        byte[] out = new byte[65];
        System.arraycopy(sig.getR(), 0, out, 0, 32);
        System.arraycopy(sig.getS(), 0, out, 32, 32);
        out[64] = sig.getV()[0];
        return out;
    }

    @Override
    public String toString() {
        return "Wallet[" + address + "]"; // never the key
    }
}
