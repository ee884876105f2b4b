package org.spsec.core.canfd;

/** What a frame on an SPsec bus is, by its identifier alone. */
public enum FrameKind {
    DATA("data"),
    HEARTBEAT("heartbeat"),
    TIME_BROADCAST("time-broadcast"),
    TIME_REQUEST("time-request"),
    TIME_RESPONSE("time-response"),
    SESSION("session"),
    INTERNAL_EVENT("internal-event");

    private final String label;

    FrameKind(String label) {
        this.label = label;
    }

    /** The lower-case name used in JSON output and captures. */
    public String label() { return label; }

    /** Kinds whose data is a Security Stamp (verified with the communication keys). */
    public boolean stamped() {
        return this == DATA || this == HEARTBEAT || this == TIME_BROADCAST;
    }
}
