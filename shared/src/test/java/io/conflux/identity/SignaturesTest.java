package io.conflux.identity;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import org.junit.jupiter.api.Test;

class SignaturesTest {
    // Reference values from the web3.js documentation (web3.eth.accounts.sign('Some data', key)), computed by another implementation.
    private static final String KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    private static final String ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
    private static final String SIGNATURE = "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
            + "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c";

    @Test
    void wallet_derivesTheReferenceAddress_andChecksum() {
        Wallet w = Wallet.fromPrivateKeyHex(KEY);
        assertEquals(ADDRESS.toLowerCase(), w.address());
        assertEquals(ADDRESS, w.checksumAddress());
    }

    @Test
    void signPersonal_matchesTheReferenceSignature() {
        byte[] sig = Wallet.fromPrivateKeyHex(KEY).signPersonal("Some data".getBytes(StandardCharsets.UTF_8));
        assertEquals(SIGNATURE, Signatures.toHex(sig));
    }

    @Test
    void recoverPersonal_returnsTheSigner_andAnotherMessageRecoversSomeoneElse() throws Exception {
        byte[] sig = Signatures.fromHex(SIGNATURE);
        assertEquals(ADDRESS.toLowerCase(), Signatures.recoverPersonal("Some data".getBytes(StandardCharsets.UTF_8), sig));
        assertNotEquals(ADDRESS.toLowerCase(), Signatures.recoverPersonal("Some date".getBytes(StandardCharsets.UTF_8), sig));
    }

    @Test
    void recoverPersonal_acceptsRecoveryIdZeroOrOne() throws Exception {
        byte[] sig = Signatures.fromHex(SIGNATURE);
        sig[64] = (byte) (sig[64] - 27);
        assertEquals(ADDRESS.toLowerCase(), Signatures.recoverPersonal("Some data".getBytes(StandardCharsets.UTF_8), sig));
    }

    @Test
    void recoverPersonal_rejectsWrongLengthAndBadRecoveryId() {
        assertThrows(SignatureException.class, () -> Signatures.recoverPersonal(new byte[1], new byte[64]));
        byte[] sig = new byte[65];
        sig[64] = 30;
        assertThrows(SignatureException.class, () -> Signatures.recoverPersonal(new byte[1], sig));
    }

    @Test
    void checksum_detectsAMistypedLetterCase() {
        assertTrue(Signatures.isValidChecksum(ADDRESS));
        assertTrue(Signatures.isValidChecksum(ADDRESS.toLowerCase()));
        assertFalse(Signatures.isValidChecksum(ADDRESS.replace("E36", "e36")));
    }
}
