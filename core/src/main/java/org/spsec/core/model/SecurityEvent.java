package org.spsec.core.model;

/** Security event codes reported in register 51h (SPEC section 11). */
public enum SecurityEvent {
    SESSION_HELLO_KEY_NOT_FOUND(0x5E01, "session: hello key not found"),
    SESSION_FINISHED_AUTH_FAILURE(0x5E02, "session: Finished authentication failure"),
    SESSION_RESPONSE_TIMEOUT(0x5E03, "session: response timeout"),
    SESSION_OVERALL_TIMEOUT(0x5E04, "session: overall timeout"),
    SESSION_MESSAGE_AUTH_FAILURE(0x5E05, "session: message authentication failure"),
    TIME_RESPONSE_AUTH_FAILURE(0xFE00, "time request: response authentication failure"),
    TIME_REQUEST_TIMEOUT(0xFE01, "time request: timeout"),
    TIME_BROADCAST_AUTH_FAILURE(0xFE0E, "time broadcast: authentication failure"),
    TIME_BROADCAST_TIMEOUT(0xFE0F, "time broadcast: refresh timeout"),
    DATA_AUTH_FAILURE(0xEE00, "data plane: authentication failure"),
    /** EF00h + the participant ID; see {@link #heartbeatMissingCode(ParticipantId)}. */
    HEARTBEAT_MISSING(0xEF00, "heartbeat missing"),
    RECEIVE_OVERRUN(0xDE01, "receive overrun"),
    TRANSMIT_OVERRUN(0xDE02, "transmit overrun"),
    OWN_ID_INJECTION(0xDE03, "frame carrying this node's own identifier seen (injection)"),
    DUPLICATE_FRAME(0xDE04, "duplicate frame ignored");

    private final int code;
    private final String description;

    SecurityEvent(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() { return code; }

    public String description() { return description; }

    public static int heartbeatMissingCode(ParticipantId id) {
        return HEARTBEAT_MISSING.code + id.value();
    }

    /** The event of a register 51h code, or null if unknown. EF01h..EF7Fh map to HEARTBEAT_MISSING. */
    public static SecurityEvent ofCode(int code) {
        if ((code & 0xFF80) == 0xEF00 && (code & 0x7F) != 0) {
            return HEARTBEAT_MISSING;
        }
        for (SecurityEvent e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }
}
