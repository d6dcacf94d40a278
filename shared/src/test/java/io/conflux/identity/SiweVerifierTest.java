package io.conflux.identity;

import static io.conflux.identity.AuthenticationException.Reason.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SiweVerifierTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final SiweVerifier verifier = new SiweVerifier("conflux.test", 31337, Clock.fixed(NOW, ZoneOffset.UTC));
    private final Wallet wallet = Wallet.create();

    private String message(String domain, long chain, Instant issued, Instant expires) {
        return SiweMessage.of(domain, wallet.checksumAddress(), "Sign in to Conflux.", "https://" + domain, chain, "nonce12345678",
                issued, expires).format();
    }

    private String sign(Wallet w, String message) {
        return Signatures.toHex(w.signPersonal(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void verify_acceptsAMessageSignedByItsAddress() throws Exception {
        String m = message("conflux.test", 31337, NOW.minusSeconds(5), NOW.plusSeconds(300));
        assertEquals(wallet.checksumAddress(), verifier.verify(m, sign(wallet, m)).address());
    }

    @Test
    void verify_rejectsEachWayAMessageCanBeWrong() {
        String other = message("evil.test", 31337, NOW, null);
        assertReason(WRONG_DOMAIN, other, sign(wallet, other));
        String chain = message("conflux.test", 1, NOW, null);
        assertReason(WRONG_CHAIN, chain, sign(wallet, chain));
        String expired = message("conflux.test", 31337, NOW.minusSeconds(600), NOW.minusSeconds(1));
        assertReason(MESSAGE_EXPIRED, expired, sign(wallet, expired));
        String future = message("conflux.test", 31337, NOW.plusSeconds(3600), null);
        assertReason(ISSUED_IN_FUTURE, future, sign(wallet, future));
        String good = message("conflux.test", 31337, NOW, null);
        assertReason(BAD_SIGNATURE, good, sign(Wallet.create(), good)); // signed by someone else
        assertReason(BAD_SIGNATURE, good, "0x1234");
        assertReason(BAD_SIGNATURE, good.replace("Sign in", "Sign-in"), sign(wallet, good)); // altered after signing
    }

    private void assertReason(AuthenticationException.Reason reason, String message, String signature) {
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> verifier.verify(message, signature));
        assertEquals(reason, e.reason(), e.getMessage());
    }
}
