package io.conflux.identity;

import java.time.Instant;

/** Sign-in nonces: issued once, consumed once, expire. */
public interface NonceStore {
    void put(String nonce, Instant expiresAt);

    /**
     * Marks the nonce used, atomically; fails if it was never issued, was used already, or expired.
     *
     * @throws AuthenticationException with NONCE_UNKNOWN, NONCE_USED or NONCE_EXPIRED
     */
    void consume(String nonce, Instant now) throws AuthenticationException;
}
