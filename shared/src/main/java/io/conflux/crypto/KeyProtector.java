package io.conflux.crypto;

import java.security.GeneralSecurityException;

/**
 * Keeps a round's private key encrypted at rest. In AWS a KMS key does it (the private key never
 * exists unencrypted outside the aggregation's memory); on the local runtime a key file does.
 * The round id is bound to the wrapped key, so a wrapped key moved to another round does not open.
 */
public interface KeyProtector {
    byte[] protect(byte[] privateKey, String roundId) throws GeneralSecurityException;

    byte[] unprotect(byte[] wrapped, String roundId) throws GeneralSecurityException;
}
