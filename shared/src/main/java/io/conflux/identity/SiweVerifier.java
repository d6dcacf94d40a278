package io.conflux.identity;

import static io.conflux.identity.AuthenticationException.Reason.*;

import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Checks a signed SIWE message against this deployment: its domain, chain id, validity times and
 * signature. Whether the nonce was issued and is unused is the nonce store's job, done after this.
 */
public final class SiweVerifier {
    /** Clock skew tolerated between the trader's machine and ours. */
    public static final Duration SKEW = Duration.ofMinutes(2);

    private final String domain;
    private final long chainId;
    private final Clock clock;

    public SiweVerifier(String domain, long chainId, Clock clock) {
        this.domain = domain;
        this.chainId = chainId;
        this.clock = clock;
    }

    /** @return the message, with its address in canonical (lower-case) form checked to be the signer */
    public SiweMessage verify(String message, String signatureHex) throws AuthenticationException {
        SiweMessage m = SiweMessage.parse(message);
        if (!domain.equals(m.domain())) throw new AuthenticationException(WRONG_DOMAIN, "message is for domain '" + m.domain() + "', this is '" + domain + "'");
        if (!"1".equals(m.version())) throw new AuthenticationException(UNSUPPORTED_VERSION, "SIWE version must be 1");
        if (m.chainId() != chainId) throw new AuthenticationException(WRONG_CHAIN, "message is for chain " + m.chainId() + ", this is chain " + chainId);
        Instant now = clock.instant();
        if (m.issuedAt().isAfter(now.plus(SKEW))) throw new AuthenticationException(ISSUED_IN_FUTURE, "Issued At is in the future");
        if (m.expirationTime() != null && !now.isBefore(m.expirationTime())) throw new AuthenticationException(MESSAGE_EXPIRED, "message expired at " + m.expirationTime());
        if (m.notBefore() != null && now.plus(SKEW).isBefore(m.notBefore())) throw new AuthenticationException(MESSAGE_NOT_YET_VALID, "message is not valid before " + m.notBefore());
        String signer;
        try {
            signer = Signatures.recoverPersonal(message.getBytes(StandardCharsets.UTF_8), Signatures.fromHex(signatureHex));
        } catch (SignatureException e) {
            throw new AuthenticationException(BAD_SIGNATURE, "signature is invalid: " + e.getMessage());
        }
        if (!signer.equals(Signatures.normalize(m.address()))) {
            throw new AuthenticationException(BAD_SIGNATURE, "message is signed by " + signer + ", not by " + m.address());
        }
        return m;
    }
}
