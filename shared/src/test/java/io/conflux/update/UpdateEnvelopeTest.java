package io.conflux.update;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.crypto.RoundKeys;
import io.conflux.identity.Wallet;
import io.conflux.model.ModelTemplate;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class UpdateEnvelopeTest {
    private final Wallet trader = Wallet.create();
    private final RoundKeys.KeyPair key = RoundKeys.generate();
    private final ModelUpdate update = TestUpdates.gaussian(ModelTemplate.standard(), "round-1", trader.address(), 7, 1.0);

    @Test
    void seal_thenOpen_givesBackTheSignedPayload_andItsSigner() throws Exception {
        byte[] sealed = UpdateEnvelope.seal(update, trader, key.publicKey());
        UpdateEnvelope.SignedPayload opened = UpdateEnvelope.decrypt(sealed, "round-1", key.publicKey(), key.privateKey());
        assertEquals(trader.address(), opened.signer());
        assertArrayEquals(UpdateEnvelope.payload(update), opened.payload());
        assertEquals(HexFormat.of().formatHex(UpdateEnvelope.sha256(UpdateEnvelope.payload(update))), opened.contentHash());
        UpdateEnvelope.Contents c = UpdateEnvelope.parse(opened.payload());
        assertEquals(update.sampleCount(), c.sampleCount());
        assertEquals(update.createdAt(), c.createdAt());
    }

    @Test
    void sealingTwice_givesDifferentBytes_butTheSameContentHash() throws Exception {
        byte[] a = UpdateEnvelope.seal(update, trader, key.publicKey());
        byte[] b = UpdateEnvelope.seal(update, trader, key.publicKey());
        assertFalse(Arrays.equals(a, b), "HPKE is randomized");
        assertEquals(UpdateEnvelope.decrypt(a, "round-1", key.publicKey(), key.privateKey()).contentHash(),
                UpdateEnvelope.decrypt(b, "round-1", key.publicKey(), key.privateKey()).contentHash());
    }

    @Test
    void decrypt_failsForAnotherRoundsKeyOrContext_andForAnyFlippedBit() {
        byte[] sealed = UpdateEnvelope.seal(update, trader, key.publicKey());
        RoundKeys.KeyPair other = RoundKeys.generate();
        assertReason(RejectionReason.DECRYPTION_FAILED, () -> UpdateEnvelope.decrypt(sealed, "round-1", other.publicKey(), other.privateKey()));
        assertReason(RejectionReason.DECRYPTION_FAILED, () -> UpdateEnvelope.decrypt(sealed, "round-2", key.publicKey(), key.privateKey()));
        byte[] flipped = sealed.clone();
        flipped[flipped.length / 2] ^= 1;
        assertReason(RejectionReason.DECRYPTION_FAILED, () -> UpdateEnvelope.decrypt(flipped, "round-1", key.publicKey(), key.privateKey()));
        byte[] noMagic = sealed.clone();
        noMagic[0] = 'X';
        assertReason(RejectionReason.NOT_AN_ENVELOPE, () -> UpdateEnvelope.decrypt(noMagic, "round-1", key.publicKey(), key.privateKey()));
    }

    @Test
    void seal_refusesToSignAnUpdateNamingAnotherTrader() {
        ModelUpdate someoneElses = TestUpdates.gaussian(ModelTemplate.standard(), "round-1", Wallet.create().address(), 1, 1);
        assertThrows(IllegalArgumentException.class, () -> UpdateEnvelope.seal(someoneElses, trader, key.publicKey()));
    }

    interface Call {
        void run() throws Exception;
    }

    static void assertReason(RejectionReason reason, Call call) {
        UpdateRejectedException e = assertThrows(UpdateRejectedException.class, call::run);
        assertEquals(reason, e.reason(), e.getMessage());
    }
}
