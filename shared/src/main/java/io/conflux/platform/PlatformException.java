package io.conflux.platform;

/**
 * A request the platform refuses, with a kind (which the API maps to an HTTP status), a stable code
 * a client can branch on, and a sentence a person can act on.
 */
public final class PlatformException extends RuntimeException {

    public enum Kind { BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, UNAVAILABLE }

    private final Kind kind;
    private final String code;

    public PlatformException(Kind kind, String code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public static PlatformException badRequest(String code, String message) {
        return new PlatformException(Kind.BAD_REQUEST, code, message);
    }

    public static PlatformException notFound(String code, String message) {
        return new PlatformException(Kind.NOT_FOUND, code, message);
    }

    public static PlatformException forbidden(String code, String message) {
        return new PlatformException(Kind.FORBIDDEN, code, message);
    }

    public static PlatformException conflict(String code, String message) {
        return new PlatformException(Kind.CONFLICT, code, message);
    }

    /** A service the platform depends on failed; the same request may succeed later. */
    public static PlatformException unavailable(String code, String message) {
        return new PlatformException(Kind.UNAVAILABLE, code, message);
    }
}
