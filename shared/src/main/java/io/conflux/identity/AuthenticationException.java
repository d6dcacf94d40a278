package io.conflux.identity;

/** Sign-in or token verification failed; {@link #reason()} is a stable code a client can branch on. */
public final class AuthenticationException extends Exception {

    public enum Reason {
        MALFORMED_MESSAGE, WRONG_DOMAIN, WRONG_URI, WRONG_CHAIN, UNSUPPORTED_VERSION, MESSAGE_EXPIRED, MESSAGE_NOT_YET_VALID,
        ISSUED_IN_FUTURE, BAD_SIGNATURE, NONCE_UNKNOWN, NONCE_USED, NONCE_EXPIRED,
        TOKEN_MISSING, TOKEN_MALFORMED, TOKEN_BAD_SIGNATURE, TOKEN_EXPIRED
    }

    private final Reason reason;

    public AuthenticationException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
