package io.conflux.federation;

/**
 * A step failed for a reason that may pass (storage unreachable, throttled): the workflow retries it
 * with backoff. Any other exception fails the round with its message as the recorded reason.
 */
public final class TransientStepException extends RuntimeException {
    public TransientStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
