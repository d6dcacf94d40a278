package io.conflux.update;

/** An update failed a check; carries the reason and a detail specific to this update. */
public final class UpdateRejectedException extends Exception {
    private final RejectionReason reason;

    public UpdateRejectedException(RejectionReason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public UpdateRejectedException(RejectionReason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public RejectionReason reason() {
        return reason;
    }

    /** The detail without the reason code prefix. */
    public String detail() {
        String m = getMessage();
        return m.substring(m.indexOf(": ") + 2);
    }
}
