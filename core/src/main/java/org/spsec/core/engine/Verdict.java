package org.spsec.core.engine;

/** The outcome of opening a stamped frame; every rejection has its own reason. */
public enum Verdict {
    OK("ok"),
    /** The tag did not verify (forged, altered, wrong key, moved to another CAN ID). */
    AUTH_FAILED("auth-failed"),
    /** This (CAN ID, full timestamp) was already accepted once. */
    REPLAY("replay"),
    /** The rebuilt timestamp is too far from the receiver's clock. */
    OUTSIDE_WINDOW("outside-window"),
    /** Structurally impossible: too short, bad padding count, illegal length. */
    MALFORMED("malformed"),
    /** No key exists for the frame's time (not synchronized, or T below 2^23). */
    UNVERIFIABLE("unverifiable");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() { return label; }
}
