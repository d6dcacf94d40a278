package io.conflux.trader;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.identity.Wallet;
import org.junit.jupiter.api.Test;

/** The wallet file: the Web3 Secret Storage test vectors open, our own files round-trip, a wrong passphrase is told apart. */
class KeystoreTest {
    private static final Keystore.Kdf LIGHT = new Keystore.Kdf(1 << 12, 8, 1);
    // the two test vectors of the Web3 Secret Storage Definition (password "testpassword")
    private static final String KEY = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
    private static final String PBKDF2 = """
            {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},
             "ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2",
             "kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
             "mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
             "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}""";
    /**
     * A scrypt file (geth's r = 8) made independently of this code: Python's hashlib.scrypt (OpenSSL), AES-CTR from
     * the `cryptography` package, and a Keccak-256 written from the spec; the passphrase is "pässwörd" (UTF-8).
     */
    private static final String SCRYPT = """
            {"crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "1f2e3d4c5b6a79880123456789abcdef"}, "ciphertext": "55188d80851b0fbe7efdd9acbd046de3fa94fc593683bf34a249e8c129c89425", "kdf": "scrypt", "kdfparams": {"dklen": 32, "n": 16384, "r": 8, "p": 1, "salt": "5f3d0a2c9e7b11e6a4c2d8f0b3e1a97c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f10"}, "mac": "f00e3bfb663c434a34b21d3dd98094e0d9da92f94eb49b7e11ef6b1d37a62f2a"}, "version": 3}""";
    /** The standard's own scrypt vector uses r = 1 with N = 2^18, outside RFC 7914; BouncyCastle refuses such parameters. */
    private static final String SCRYPT_R1 = """
            {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},
             "ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt",
             "kdfparams":{"dklen":32,"n":262144,"r":1,"p":8,"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
             "mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},
             "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}""";

    @Test
    void theStandardsPbkdf2Vector_andAnIndependentlyMadeScryptFile_open() throws Exception {
        assertEquals("0x" + KEY, Keystore.decrypt(PBKDF2, "testpassword".toCharArray()).privateKeyHex());
        assertEquals("0x" + KEY, Keystore.decrypt(SCRYPT, "pässwörd".toCharArray()).privateKeyHex());
        var e = assertThrows(Keystore.KeystoreException.class, () -> Keystore.decrypt(SCRYPT_R1, "testpassword".toCharArray()));
        assertTrue(e.getMessage().contains("RFC 7914"), e.getMessage());
    }

    @Test
    void aWrittenFileOpensWithItsPassphraseOnly_andHoldsNoKeyInClear() throws Exception {
        Wallet w = Wallet.create();
        String file = Keystore.encrypt(w, "correct horse".toCharArray(), LIGHT);
        assertFalse(file.contains(w.privateKeyHex().substring(2)), "the key is not in the file");
        assertTrue(file.contains(w.address().substring(2)), "the address is, for reading without the passphrase");
        assertEquals(w.address(), Keystore.decrypt(file, "correct horse".toCharArray()).address());
        var e = assertThrows(Keystore.KeystoreException.class, () -> Keystore.decrypt(file, "correct hors".toCharArray()));
        assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
    }

    @Test
    void damagedOrForeignFilesAreNamedAsSuch() throws Exception {
        Wallet w = Wallet.create();
        String file = Keystore.encrypt(w, "p".toCharArray(), LIGHT);
        String otherAddress = file.replace(w.address().substring(2), Wallet.create().address().substring(2));
        assertTrue(assertThrows(Keystore.KeystoreException.class, () -> Keystore.decrypt(otherAddress, "p".toCharArray()))
                .getMessage().contains("belongs to " + w.address()));
        assertTrue(assertThrows(Keystore.KeystoreException.class, () -> Keystore.decrypt("{not json", "p".toCharArray()))
                .getMessage().contains("not a keystore"));
        assertTrue(assertThrows(Keystore.KeystoreException.class, () -> Keystore.decrypt(file.replace("\"scrypt\"", "\"argon2\""), "p".toCharArray()))
                .getMessage().contains("unsupported kdf 'argon2'"));
        assertThrows(IllegalArgumentException.class, () -> new Keystore.Kdf(1000, 8, 1));
    }
}
